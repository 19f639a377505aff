"""A migration operation Django does not have: turning an existing model into a
multi-table child of another (the kinds of rounds into kinds of consultations.Round)
without touching its table. Only the migration state changes; the data migration
before it creates the parent rows and fills the parent link."""

from typing import Any

from django.db.migrations.operations.base import Operation


class ChangeBases(Operation):
    reduces_to_sql = True
    reversible = True

    def __init__(self, *, model_name: str, bases: tuple) -> None:
        self.model_name, self.bases = model_name, tuple(bases)

    def deconstruct(self) -> tuple[str, list, dict]:
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "bases": self.bases},
        )

    def state_forwards(self, app_label: str, state: Any) -> None:
        model = state.models[app_label, self.model_name.lower()]
        model.bases = self.bases
        state.reload_model(app_label, self.model_name.lower(), delay=True)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        pass

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        pass

    def describe(self) -> str:
        return f"Make {self.model_name} a child of {', '.join(map(str, self.bases))}"
