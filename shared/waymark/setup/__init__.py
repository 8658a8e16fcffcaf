"""A deployment's first minute: what exists before anyone has logged in.

bootstrap          the first program and the first operator, ensured (created if absent, never overwritten);
                   the stack's custom resource and the local stack both run it
secrets_migration  HMAC secrets stored before encryption, encrypted in place (conditionally) by each bootstrap
custom_resource    CloudFormation's custom-resource protocol: run the work, always answer the ResponseURL
"""
