"""Programs: what an operator sets for a partner program, who operates it, and the record of every change.

settings   creating, reading, listing and changing a program's settings and commission rules
operators  the console's logins (Cognito group `admins`): invite, list, remove (never the last one)
changes    the change record: who changed what, when, before and after (never a secret)
time_zones each person's own time zone (a partner's, an operator's), change-recorded
"""
