"""Dependency tracking of records being created (returns and their lines).

Odoo 11's ``modified()`` runs, for every field of a record it creates, one search per
model and path of the stored computed fields that depend on it (stock moves, scraps,
inspections, disposition options, shipment lines and risk reasons of the new return or
line...). A record that was inserted a moment ago has none of those yet: whatever
points to it is created later and computes its own fields when it is. Those searches
were most of the cost of importing a manifest (about 10 of 20 queries a row).

``create_fresh`` runs the ORM's create with a context naming the model; ``modified``
of the return and the line call ``modified_fresh`` under it, which does what Odoo's
``modified`` does except those empty searches; the one trigger that points back to an
older record (a line's return, whose totals depend on its lines) is read from the
line's ``order_id`` instead of searched.
"""
from collections import defaultdict

FRESH_KEY = 'overseas_fresh_model'
# (target model, path) triggered from a fresh record, resolved without a search:
# the path is the one2many inverse of the fresh record's many2one
DIRECT_PATHS = {('overseas.return.order', 'line_ids'): 'order_id'}


def create_fresh(model, create, vals):
    """``create(vals)`` of ``model`` (the super call) with the fresh-record context;
    the record comes back in the caller's environment. The context key
    ``overseas_full_dependencies`` keeps Odoo's own searches (the tests compare)."""
    if model.env.context.get('overseas_full_dependencies'):
        return create(model, vals)
    # the many2one values of DIRECT_PATHS go along: no read of the new row for them
    parents = tuple((name, vals.get(name) or 0) for (_target, _path), name
                    in sorted(DIRECT_PATHS.items()) if name in model._fields)
    record = create(model.with_context(**{FRESH_KEY: (model._name, parents)}), vals)
    return record.with_env(model.env)


def is_fresh(records):
    fresh = records.env.context.get(FRESH_KEY)
    return bool(fresh) and fresh[0] == records._name


def _direct_targets(records, target_model, name):
    """The records the fresh ``records`` point to by their many2one ``name``."""
    parents = dict(records.env.context[FRESH_KEY][1])
    if parents.get(name) and len(records) == 1:
        return records.env[target_model].browse(parents[name])
    return records.sudo().mapped(name).with_env(records.env)


def modified_fresh(records, fnames):
    """Odoo 11's BaseModel.modified for records just inserted (see the module)."""
    invalids = []
    triggers = defaultdict(set)
    for fname in fnames:
        mfield = records._fields[fname]
        invalids.append((mfield, records._ids))
        for field in records._field_inverses[mfield]:
            invalids.append((field, None))
        for field, path in records._field_triggers[mfield]:
            triggers[(field.model_name, path)].add(field)
    env = records.env
    for (model_name, path), fields in triggers.items():
        stored = {field for field in fields if field.compute and field.store}
        if path and stored:
            if path == 'id':
                target0 = records
            elif (model_name, path) in DIRECT_PATHS:
                target0 = _direct_targets(records, model_name,
                                          DIRECT_PATHS[model_name, path])
            else:
                # nothing points to a record inserted a moment ago
                target0 = None
            for field in stored if target0 else ():
                target = target0 - env.protected(field)
                if not target:
                    continue
                invalids.append((field, target._ids))
                if field.compute_sudo:
                    target = target.sudo()
                target._recompute_todo(field)
        for field in (fields - stored):
            invalids.append((field, None))
    env.cache.invalidate(invalids)
