"""Partners: who they are, how they log in, and the links and snippets they share.

vocabulary  PartnerType, PartnerStatus and LinkStatus (standard library only: the click path reads them)
management  creating partners with their default link, listing them, changing their status (recorded for operators)
applicants  partners an operator adds by hand (with or without a login), applicants deleted while they never earned
personal_data  a partner's personal data exported, or erased (pseudonymised) with its login
accounts    Cognito logins of partners (group `partners`) and operators (group `admins`): create, invite, list, delete
passwords   the first password after an invitation, a forgotten one reset by code, a change while logged in
mfa         operators' authenticator app (TOTP): the code at login, setting one up, the console's check, a reset
own_addresses  the IP hashes a partner signs in from, for the self-referral fraud rule
signup      partner self-signup (one login and one partner, or neither), the emailed code, one answer for all
links       creating tracking links: checked destinations, unguessable codes, never reused
snippets    copy-ready tracking URLs and HTML snippets (pure)
qr_codes    QR codes (SVG, PNG) of a tracking link with its sub-IDs
inside_sales  an operator opening a concierge's order page: the concierge's sale, not its traffic
"""
