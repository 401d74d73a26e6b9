"""Staff console domain: accounts and passwords, login with lock-out, sessions, the audit log.

Passwords are argon2id hashes (argon2-cffi). Session tokens and CSRF tokens are random; only the
SHA-256 of a session token is stored, so a database leak does not hand out live sessions.
"""
