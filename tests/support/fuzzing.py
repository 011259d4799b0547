"""Schemathesis over real HTTP: cases generated from the server's own OpenAPI document.

Shared by the fuzz test (a fixed seed, about 1,200 cases) and ``bench/fuzz.py`` (many
more, a random seed). Random shop ids, secrets and codes are rightly refused (404, 403,
400) before the handlers do any real work, so a hook swaps in the seeded shop's real
values for a drawn subset of those fields: most cases get past authentication and reach
validation, storage and the review query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import hypothesis.strategies as st
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.errors import assert_error_body

__all__ = ["FuzzReport", "RealValues", "fuzz"]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Each real value replaces the generated one in this share of the cases.
SWAP_WEIGHTS = {"shop_id": 0.9, "shop_secret": 0.8, "channel": 0.6, "category": 0.6}


@dataclass(frozen=True)
class RealValues:
    """Values the seeded database knows: the fields the hook may swap in."""

    shop_id: str
    shop_secret: str
    channel: str
    category: str


@dataclass
class FuzzReport:
    """What was sent and how it was answered: (operation, mode, status) → cases."""

    outcomes: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    @property
    def cases(self) -> int:
        return sum(self.outcomes.values())

    def count(self, operation: str | None = None, *, status: int | None = None) -> int:
        return sum(
            n
            for (label, _, code), n in self.outcomes.items()
            if operation in (None, label) and status in (None, code)
        )

    def server_errors(self) -> int:
        return sum(n for (_, _, code), n in self.outcomes.items() if code >= 500)


def _mutated_fields(case: Case) -> set[str] | None:
    """Top-level fields a negative case broke on purpose; None when it broke the whole
    container (a removed required field, random bytes): then nothing may be swapped, or
    the swap could repair the case."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return set()
    names: set[str] = set()
    for mutation in meta.phase.data.mutations:
        if not mutation.path:
            return None
        names.add(str(mutation.path[0]))
    return names


def _container(case: Case) -> dict[str, Any] | None:
    if case.operation.method.upper() == "GET":
        return case.query if isinstance(case.query, dict) else None
    return case.body if isinstance(case.body, dict) else None


def _swap_real_values(real: RealValues) -> Callable[[Any, Case], st.SearchStrategy[Case]]:
    values = asdict(real)

    def flatmap_case(context: Any, case: Case) -> st.SearchStrategy[Case]:
        container = _container(case)
        protected = _mutated_fields(case)
        if container is None or protected is None:
            return st.just(case)
        candidates = sorted(name for name in values if name in container and name not in protected)
        if not candidates:
            return st.just(case)
        draws = {
            name: st.floats(0, 1).map(lambda x, w=SWAP_WEIGHTS[name]: x < w) for name in candidates
        }

        def apply(chosen: Mapping[str, bool]) -> Case:
            swapped = {**container, **{n: values[n] for n, use in chosen.items() if use}}
            if case.operation.method.upper() == "GET":
                case.query = swapped
            else:
                case.body = swapped
            return case

        return st.fixed_dictionaries(draws).map(apply)

    return flatmap_case


def _fully_real(case: Case, real: RealValues) -> bool:
    """A valid case that names the real shop, secret and codes wherever it has them."""
    container = _container(case)
    if case.meta is None or case.meta.generation.mode.is_negative or container is None:
        return False
    return all(container.get(name, value) == value for name, value in asdict(real).items())


def _fuzz_operation(
    operation: APIOperation,
    mode: GenerationMode,
    *,
    base_url: str,
    real: RealValues,
    session: requests.Session,
    cases: int,
    seed: int | None,
    report: FuzzReport,
) -> None:
    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Case) -> None:
        response = case.call(base_url=base_url, session=session, timeout=10)
        report.outcomes[(operation.label, mode.value, response.status_code)] += 1
        case.validate_response(response, checks=CHECKS)
        if response.status_code >= 400:  # whatever the schema checks allow
            assert_error_body(response)
        if _fully_real(case, real):
            # What the document calls valid, the server must accept.
            assert response.status_code == 200, response.text

    if seed is not None:
        run = hypothesis_seed(seed)(run)
    run()


def fuzz(
    base_url: str, real: RealValues, *, cases_per_mode: int, seed: int | None = None
) -> FuzzReport:
    """Every operation, positive and negative cases; raises on the first broken check
    (after Hypothesis has shrunk the case)."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    schema.hook("flatmap_case")(_swap_real_values(real))
    report = FuzzReport()
    with requests.Session() as session:
        for result in schema.get_all_operations():
            for mode in MODES:
                _fuzz_operation(
                    result.ok(),
                    mode,
                    base_url=base_url,
                    real=real,
                    session=session,
                    cases=cases_per_mode,
                    seed=seed,
                    report=report,
                )
    return report
