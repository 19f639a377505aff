"""Records that freeze: approved minutes and what they contain, signed agreement
versions, closed rounds' answers and handling.

Two guards, one rule each:
- the model refuses (`Frozen.save` / `delete` raise a Finnish ValidationError), so a
  page or a service gets a clear message;
- a database trigger refuses too (`FreezeTrigger` in a migration, on SQLite and on
  PostgreSQL), so nothing that skips the model (a bulk update, a raw query, a script)
  can change the evidence either.
A change goes through a correction: a new version, the old one kept."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.migrations.operations.base import Operation


class Frozen(models.Model):
    """Abstract: a row that refuses to change once `frozen_message()` says so. A row may
    name fields whose change alone stays allowed (`thaw_fields`), e.g. a status that
    moves on, or a mark that an idea was taken forward."""

    thaw_fields: tuple[str, ...] = ()
    freezes_itself = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is None:
            # A new row joins a record, which decides (no item into approved minutes);
            # a row frozen by its own state (a signature) is created freely.
            if not self.freezes_itself and (message := self.frozen_message()):
                raise ValidationError(message)
            return super().save(*args, **kwargs)
        with transaction.atomic():
            saved = type(self).objects.select_for_update().filter(pk=self.pk).order_by().first()
            message = saved.frozen_message() if saved is not None else None
            if message and self._changed_from(saved, kwargs.get("update_fields")):
                raise ValidationError(message)
            return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        saved = type(self).objects.filter(pk=self.pk).first()
        if saved is not None and (message := saved.frozen_message()):
            raise ValidationError(message)
        return super().delete(*args, **kwargs)

    def frozen_message(self) -> str | None:
        """Why the row, as saved now, may not change; None while it may."""
        return None

    def _changed_from(self, saved, update_fields) -> bool:
        for f in self._meta.concrete_fields:
            if f.name in self.thaw_fields or f.name in {"updated_at", "created_at"}:
                continue
            if update_fields is not None and f.name not in update_fields:
                continue
            if getattr(self, f.attname) != getattr(saved, f.attname):
                return True
        return False


class FreezeTrigger(Operation):
    """A migration operation: a trigger that refuses INSERT, UPDATE and DELETE of a row
    while `frozen` (SQL on `{row}`, read as OLD and NEW) holds. With `columns`, an
    UPDATE that changes none of them passes (the thawed columns are left out of it).
    `message` is what the database says."""

    reversible = True
    reduces_to_sql = True

    def __init__(
        self,
        *,
        name: str,
        table: str,
        frozen: str,
        message: str,
        columns: tuple[str, ...] = (),
        self_state: bool = False,
        refused: str = "",
    ):
        self.name, self.table, self.frozen = name, table, frozen
        self.message, self.columns = message, tuple(columns)
        # A row whose own state freezes it (approved minutes, a signature) is created and
        # moved into that state freely; only a row already frozen refuses.
        self.self_state = self_state
        # A change of a thawed column that is still refused (SQL on OLD and NEW), e.g.
        # approved minutes going back to draft.
        self.refused = refused

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Freeze trigger {self.name} on {self.table}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for statement in self._create(schema_editor.connection.vendor):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for statement in self._drop(schema_editor.connection.vendor):
            schema_editor.execute(statement)

    def deconstruct(self):
        kwargs = {
            "name": self.name,
            "table": self.table,
            "frozen": self.frozen,
            "message": self.message,
            "columns": self.columns,
            "self_state": self.self_state,
            "refused": self.refused,
        }
        return (self.__class__.__qualname__, [], kwargs)

    def _on(self, row: str) -> str:
        return "(" + self.frozen.replace("{row}", row) + ")"

    def _changed(self, distinct: str) -> str:
        if not self.columns:
            return "TRUE" if distinct == "IS DISTINCT FROM" else "1"
        changes = [f"NEW.{c} {distinct} OLD.{c}" for c in self.columns]
        if self.refused:
            changes.append(f"({self.refused})")
        return "(" + " OR ".join(changes) + ")"

    def _create(self, vendor: str) -> list[str]:
        message = self.message.replace("'", "''")
        new = "FALSE" if self.self_state else self._on("NEW")
        updated = self._on("OLD") if self.self_state else f"({self._on('OLD')} OR {new})"
        if vendor == "postgresql":
            return [
                f"""CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND {self._on("OLD")} THEN
    RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'INSERT' AND {new} THEN
    RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND {updated} AND {self._changed("IS DISTINCT FROM")} THEN
    RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$ LANGUAGE plpgsql""",
                f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}",
                f"CREATE TRIGGER {self.name} BEFORE INSERT OR UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}()",
            ]
        raise_ = f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        statements = [
            f"CREATE TRIGGER {self.name}_d BEFORE DELETE ON {self.table} FOR EACH ROW "
            f"WHEN {self._on('OLD')} {raise_}",
            f"CREATE TRIGGER {self.name}_u BEFORE UPDATE ON {self.table} FOR EACH ROW "
            f"WHEN {updated} AND {self._changed('IS NOT')} {raise_}",
        ]
        if not self.self_state:
            statements.append(
                f"CREATE TRIGGER {self.name}_i BEFORE INSERT ON {self.table} FOR EACH ROW "
                f"WHEN {new} {raise_}"
            )
        return statements

    def _drop(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [
                f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}",
                f"DROP FUNCTION IF EXISTS {self.name}()",
            ]
        return [f"DROP TRIGGER IF EXISTS {self.name}_{op}" for op in "diu"]


class DropFreezeTrigger(FreezeTrigger):
    """The reverse of FreezeTrigger: drops it (before the tables it reads change; a
    FreezeTrigger after the change creates it anew)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Drop freeze trigger {self.name} on {self.table}"
