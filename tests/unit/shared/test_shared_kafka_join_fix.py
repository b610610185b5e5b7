"""An unfinished group join counts as "must rejoin", so the next poll finishes it."""

from __future__ import annotations

from shared.kafka_join_fix import finish_interrupted_joins


def coordinator_class(original_answer: bool) -> type:
    class Coordinator:
        rejoining = False

        def need_rejoin(self) -> bool:
            return original_answer

    return Coordinator


def test_a_join_in_flight_needs_finishing_even_when_the_metadata_no_longer_asks_for_one():
    cls = coordinator_class(False)
    finish_interrupted_joins(cls)
    coordinator = cls()
    assert coordinator.need_rejoin() is False
    coordinator.rejoining = True
    assert coordinator.need_rejoin() is True


def test_the_original_reasons_to_rejoin_still_count():
    cls = coordinator_class(True)
    finish_interrupted_joins(cls)
    assert cls().need_rejoin() is True


def test_patching_twice_wraps_once():
    cls = coordinator_class(False)
    finish_interrupted_joins(cls)
    patched = cls.need_rejoin
    finish_interrupted_joins(cls)
    assert cls.need_rejoin is patched


def test_the_platforms_kafka_clients_carry_the_fix():
    from kafka.coordinator.consumer import ConsumerCoordinator

    import shared.kafka  # noqa: F401 - importing it applies the fix

    assert getattr(ConsumerCoordinator, "_ipt_finishes_interrupted_joins", False)
