"""Partners: who they are, how they log in, and the links and snippets they share.

vocabulary  PartnerType, PartnerStatus and LinkStatus (standard library only: the click path reads them)
management  creating partners with their default link, listing them, changing their status
accounts    Cognito logins of partners (group `partners`) and operators (group `admins`): create, invite, list, delete
passwords   the first password after an invitation, a forgotten one reset by code, a change while logged in
signup      partner self-signup (one login and one partner, or neither), the emailed code, one answer for all
links       creating tracking links: checked destinations, unguessable codes, never reused
snippets    copy-ready tracking URLs and HTML snippets (pure)
"""
