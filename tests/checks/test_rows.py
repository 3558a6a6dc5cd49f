import dataclasses

from bangfu.checks import models, rows


def test_a_snapshot_row_has_a_field_for_each_column_of_its_record():
    for model, row in [
        (models.SnapshotHousehold, rows.SnapshotHouseholdRow),
        (models.SnapshotMember, rows.SnapshotMemberRow),
    ]:
        columns = {f.name for f in model._meta.concrete_fields} - {"id", "snapshot"}
        assert {f.name for f in dataclasses.fields(row)} == columns
