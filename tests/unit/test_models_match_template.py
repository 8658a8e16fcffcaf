"""The PynamoDB models and template.yaml describe the same tables, keys and indexes."""

import pytest
from pynamodb.models import Model

from tests.helpers.stack import STACK
from waymark import models

MODELS = [m for m in vars(models).values() if isinstance(m, type) and issubclass(m, Model) and m is not Model]


def table_for(model: type[Model]) -> dict:
    for logical_id, resource in STACK.of_type("AWS::DynamoDB::Table").items():
        if STACK.local_name(logical_id) == model.Meta.table_name:
            return resource["Properties"]
    raise AssertionError(f"{model.__name__} uses {model.Meta.table_name}, which is no table in template.yaml")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_model_keys_match_the_template(model):
    table = table_for(model)
    declared = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
    assert model._hash_keyname == declared["HASH"]
    assert model._range_keyname == declared.get("RANGE")
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    for name in declared.values():
        assert model.get_attributes()[name].attr_type == types[name]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_model_indexes_exist_in_the_template(model):
    table = table_for(model)
    declared = {
        i["IndexName"]: {k["KeyType"]: k["AttributeName"] for k in i["KeySchema"]}
        for i in table.get("GlobalSecondaryIndexes", [])
    }
    for index in model._indexes.values():
        schema = index._get_schema()
        keys = {k["KeyType"]: k["AttributeName"] for k in schema["key_schema"]}
        assert declared.get(index.Meta.index_name) == keys, index.Meta.index_name
