"""The row-level machinery of applying a configuration: each row validated by its model's
``full_clean()``, compared with what is stored, written only when it differs, and every
change, note and problem recorded as one sentence (problems with their path in the file).

Kept apart from `apply`, which walks the file's sections, so that the walk reads as the
file does and this part can be read once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from civicloop.core.configuration import shape


class Skip(Exception):
    """One item could not be applied; its problem is recorded and the rest goes on."""


@dataclass
class RowWriter:
    """Writes rows and keeps the account: what changed, what was noted, what is wrong."""

    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def mapping(self, path: str, item: Any, keys: list[str], skip: bool = True) -> dict:
        if not isinstance(item, dict):
            self.problems.append(f"{path}: expected a mapping with {', '.join(keys[:3])}...")
            if skip:
                raise Skip
            return {}
        for key in item:
            if key not in keys:
                self.problems.append(
                    f"{path}.{key}: unknown key (expected one of {', '.join(keys)})"
                )
        return item

    def items(self, path: str, value: Any) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{path}: expected a list")
            return []
        return value

    def values_for(self, spec, item: dict) -> dict[str, Any]:
        """The file's values for the spec's plain fields, each as its model field reads it;
        a key left out means the field's default."""
        model = shape.model(spec[0])
        out = {}
        for name in spec[1]:
            if name not in item and shape.is_twin(name):
                continue  # a file without the Spanish leaves the stored Spanish as it is
            f = model._meta.get_field(name)
            if name in item and item[name] is not None:
                value = item[name]
                if f.get_internal_type() in ("CharField", "TextField", "SlugField", "URLField",
                                             "EmailField") and isinstance(value, int | float):  # fmt: skip
                    value = str(value)  # YAML reads 2030 as a number
                out[name] = value
            elif name in item and f.null:
                out[name] = None
            else:
                out[name] = f.get_default()
        return out

    def build(self, path: str, spec, item: dict, extra: dict | None = None, exclude=None):
        """A new, validated, unsaved row from the file's values."""
        obj = shape.model(spec[0])(**self.values_for(spec, item), **(extra or {}))
        self.validate(path, obj, {}, exclude=exclude)
        return obj

    def upsert(
        self, path: str, spec, lookup: dict, item: dict, what: str, extra=None, keys=None,
        created=None,
    ):  # fmt: skip
        """Create or update one row; record what changed; raise `Skip` if it is invalid.

        ``created`` holds values given only to a new row (its place in a list)."""
        model = shape.model(spec[0])
        values = {**self.values_for(spec, item), **(extra or {})}
        obj = model.objects.filter(**lookup).first()
        name = next(
            (
                str(d[k])
                for d in (lookup, item)
                for k in ("slug", "code", "name")
                if d.get(k) is not None
            ),
            "",
        )
        if obj is None:
            fresh = {k: v for k, v in lookup.items() if k != "pk"}
            obj = model(**{**values, **(created or {}), **fresh})
            self.validate(path, obj, keys or {})
            obj.save()
            self.changes.append(f"create {what} {name}".rstrip())
            return obj
        diffs = []
        for field_name, new in values.items():
            setattr(obj, field_name, new)
        self.validate(path, obj, keys or {})
        # Compare after validation, which has turned the file's text into the field's type.
        fresh = model.objects.get(pk=obj.pk)
        for field_name in values:
            old, new = getattr(fresh, field_name), getattr(obj, field_name)
            if old != new:
                diffs.append(f"{keys.get(field_name, field_name) if keys else field_name}: "
                             f"{_short(old)} → {_short(new)}")  # fmt: skip
        if diffs:
            obj.save()
            self.changes.append(f"update {what} {name}: " + "; ".join(diffs))
        return obj

    def reorder(self, what: str, objs: list, name: str) -> None:
        """Keep the file's order: renumber only when the stored order (as `export` sorts
        it) differs from it."""
        objs = [o for o in objs if o is not None]
        stored = sorted(objs, key=lambda o: (o.order, getattr(o, name), o.slug))
        if [o.pk for o in stored] != [o.pk for o in objs]:
            for position, obj in enumerate(objs):
                if obj.order != position:
                    obj.order = position
                    obj.save(update_fields=["order"])
            self.changes.append(f"reorder {what}: " + ", ".join(o.slug for o in objs))

    def validate(self, path: str, obj, keys: dict[str, str], exclude=None) -> None:
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                where = path if name == NON_FIELD_ERRORS else f"{path}.{keys.get(name, name)}"
                for message in messages:
                    self.problems.append(f"{where}: {message}")
            raise Skip from None

    def replace_rows(self, path, what, current: dict, wanted: dict, make, same) -> None:
        """Make a list that belongs to one thing exactly the file's list."""
        removed = [k for k in current if k not in wanted]
        added = [k for k in wanted if k not in current]
        changed = [k for k in wanted if k in current and not same(current[k], wanted[k])]
        for k in removed + changed:
            current[k].delete()
        for k in added + changed:
            row = make(k, wanted[k])
            try:
                self.validate(f"{path} ({_key(k)})", row, {})
            except Skip:
                continue
            row.save()
        if removed or added or changed:
            parts = [f"{label} {', '.join(_key(k) for k in keys)}"
                     for label, keys in (("added", added), ("changed", changed), ("removed", removed)) if keys]  # fmt: skip
            self.changes.append(f"set {what}: " + "; ".join(parts))

    def set_m2m(self, owner: str, what: str, manager, objs: list, attr: str) -> None:
        wanted = {getattr(o, attr): o for o in objs if o is not None}
        current = set(manager.values_list(attr, flat=True))
        if set(wanted) != current:
            manager.set(list(wanted.values()))
            added, removed = sorted(set(wanted) - current), sorted(current - set(wanted))
            parts = ([f"added {', '.join(added)}"] if added else []) + (
                [f"removed {', '.join(removed)}"] if removed else []
            )
            self.changes.append(f"set {what} of {owner}: " + "; ".join(parts))


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _key(key: Any) -> str:
    return " ".join(str(k) for k in key if k is not None) if isinstance(key, tuple) else str(key)
