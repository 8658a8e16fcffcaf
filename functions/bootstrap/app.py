"""CloudFormation custom resource `Bootstrap`: after a deploy, the first program and operator exist.

Create and Update ensure them (created if absent, never overwritten); Delete keeps everything.
"""

from aws_lambda_powertools import Logger, Tracer

from waymark.setup import bootstrap, custom_resource

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context) -> dict:
    return custom_resource.answer(
        event, context, bootstrap.ensure_from_properties, refusals=(bootstrap.BootstrapRefused,)
    )
