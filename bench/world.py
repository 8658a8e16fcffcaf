"""The benches' one program: a shop on www.example.com paying 10 % (saved in the embedded DynamoDB)."""

from decimal import Decimal


def shop_program():
    from waymark.models import CommissionRule, Program

    program = Program(
        *Program.key("shop"),
        program_id="shop",
        name="Shop",
        currency="EUR",
        default_landing_url="https://www.example.com/",
        allowed_domains=["www.example.com"],
        commission_rules=[CommissionRule(kind="percent", value=Decimal("10"))],
    )
    program.save()
    return program
