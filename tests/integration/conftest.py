import pytest

from tests.support.kafka_tools import private_topic


@pytest.fixture
def private_topic_name(infra) -> str:
    return private_topic(infra.kafka_bootstrap)
