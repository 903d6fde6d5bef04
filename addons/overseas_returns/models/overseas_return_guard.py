"""Fields that belong to an action: the server, not the view, keeps them.

A form shows ``state`` or ``qty_received`` read-only, but XML-RPC and JSON-RPC callers
write whatever they like. Each guarded model lists, in ``_action_owned_fields``, the
fields its actions own and the states of the record in which a user may still edit them
directly (an empty tuple: only an action writes it). Actions run their writes inside
``action_writes()`` (or are decorated with ``@owner_action``); that flag lives in the
server's own thread, so no RPC argument or context key can raise it.
"""
import threading
from contextlib import contextmanager

from decorator import decorate
from psycopg2.extensions import TransactionRollbackError

from odoo import SUPERUSER_ID, _, models
from odoo.exceptions import AccessError, UserError


class ThreadFlag(object):
    """A flag of the server's own thread, up inside ``with flag.raised():`` (nested
    blocks count): no RPC argument or context key can raise it."""

    def __init__(self):
        self._local = threading.local()

    @contextmanager
    def raised(self):
        depth = getattr(self._local, 'depth', 0)
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth

    def __bool__(self):
        return getattr(self._local, 'depth', 0) > 0


class ThreadValue(object):
    """A value of the server's own thread, set inside ``with holder.set(value):``
    and restored after: no RPC argument or context key can set it."""

    def __init__(self, default=None):
        self._local = threading.local()
        self._default = default

    @contextmanager
    def set(self, value):
        previous = self.get()
        self._local.value = value
        try:
            yield
        finally:
            self._local.value = previous

    def get(self):
        return getattr(self._local, 'value', self._default)


_ACTION = ThreadFlag()
# Inside this block the models' actions write the fields they own.
action_writes = _ACTION.raised


def owner_action(method):
    """Decorator of an action (put it below @api.multi / @api.model): the fields the
    guarded models own may be written while it runs. The signature is kept (Odoo's RPC
    layer reads it to find the context argument)."""
    def run_as_action(func, *args, **kwargs):
        with action_writes():
            try:
                return func(*args, **kwargs)
            except TransactionRollbackError:
                # Odoo's RPC layer retries the call in a new transaction but with the
                # same api.Environments: what this attempt left to recompute (records
                # on the cursor about to be closed) must go, or the retry fails with
                # "Unable to use a closed cursor"
                if args and isinstance(args[0], models.BaseModel):
                    args[0].env.clear()
                raise
    return decorate(method, run_as_action)


# what a form or dialog opened by a button needs of a window action: reading the whole
# action also renders its search view (fields_view_get), a good part of the click
FORM_ACTION_FIELDS = ['name', 'type', 'res_model', 'view_type', 'view_mode', 'views',
                      'view_id', 'search_view_id', 'target', 'context', 'domain', 'limit',
                      'auto_search', 'help']


def form_action(env, xmlid):
    """The window action ``xmlid`` as a dict, for a button that opens one record."""
    return env.ref(xmlid).read(FORM_ACTION_FIELDS)[0]


def in_action():
    return bool(_ACTION)


class OverseasReturnGuardMixin(models.AbstractModel):
    """Checks a write or a create against the model's ``_action_owned_fields``."""

    _name = 'overseas.return.guard.mixin'
    _description = 'Action-owned Fields'

    # {field name: states of the record in which users may edit it; () = never}
    _action_owned_fields = {}

    def _guard_bypassed(self):
        # the superuser (Odoo 11's admin, data files, our own sudo() after checks)
        # bypasses access rules altogether; an action in progress owns its fields
        return in_action() or self.env.uid == SUPERUSER_ID

    def _guard_record_state(self):
        """The state the editable states of _action_owned_fields refer to."""
        self.ensure_one()
        return self['state'] if 'state' in self._fields else False

    def _check_owned_fields_write(self, vals):
        if self._guard_bypassed():
            return
        owned = [name for name in vals if name in self._action_owned_fields]
        for record in self:
            state = record._guard_record_state()
            for name in owned:
                if state not in self._action_owned_fields[name]:
                    raise AccessError(record._owned_field_message(name, state))

    def _check_owned_fields_create(self, vals):
        """At creation an owned field may only take its default value (fields a user
        may edit in a new, draft record are free)."""
        if self._guard_bypassed():
            return
        checked = [name for name in vals if name in self._action_owned_fields
                   and 'draft' not in self._action_owned_fields[name]]
        if not checked:
            return
        defaults = self.default_get(checked)
        for name in checked:
            value = vals[name]
            if value in (False, None, 0, 0.0, '') or value == defaults.get(name):
                continue
            raise AccessError(self._owned_field_message(name, None))

    def _owned_field_message(self, name, state):
        field = self._fields[name]
        label = field.get_description(self.env)['string']
        if state is None or not self._action_owned_fields[name]:
            return _('"%(field)s" of %(model)s is set by its actions (approve, receive, '
                     'inspect, dispose, refund...), not written directly.') % {
                'field': label, 'model': model_label(self)}
        states = dict(self._fields['state']._description_selection(self.env)) \
            if 'state' in self._fields else {}
        return _('"%(field)s" of %(record)s cannot be changed any more: it is '
                 '%(state)s.') % {
            'field': label, 'record': self.display_name,
            'state': states.get(state, state)}


def with_line_values(records, vals, line_field, derived, create=False):
    """``vals`` with the fields that follow a record's return line (``derived``: our
    field -> the line's field) taken from the line ``vals`` names: at creation always
    (no line, no value), at a write when the line changes.

    The return and company of a stock move, a scrap, an inspection or a disposition
    option are stored from their line like this, not as computed fields depending on
    the line: for those Odoo 11 would search each of these models for every return
    line created (through the line's one2many fields), where no record can point to
    the new line yet: four queries a line of a manifest import. A line never changes
    its return (its order_id is owned by no action)."""
    if not create and line_field not in vals:
        return vals
    values = dict(vals)
    line = records.env['overseas.return.line'].sudo().browse(vals.get(line_field) or ())
    for name, line_name in derived.items():
        values[name] = line[line_name].id
    return values


def refuse_line_derived_writes(records, vals, names):
    """Fields set from a record's return line (its return, company or product) are
    never written directly: a caller's value would name another return than the
    line's."""
    context = records.env.context  # noqa: F841 (_() reads the language from it)
    written = [name for name in names if name in vals]
    if written:
        field = records._fields[written[0]]
        raise AccessError(_('"%(field)s" of %(model)s follows its return line: it '
                            'cannot be written directly.') % {
            'field': field.get_description(records.env)['string'],
            'model': model_label(records)})


def model_label(records):
    """The model's name as the user reads it: ir.model's name in the user's language
    (``_description`` is the English one)."""
    model = records.env['ir.model']._get(records._name)
    return model.with_context(lang=records.env.lang).name or records._description


def ensure_one_record(records):
    """ensure_one() for methods integrators call: a clear, translated error."""
    context = records.env.context  # noqa: F841 (_() reads the language from it)
    if len(records) != 1:
        raise UserError(_('%(model)s: this works on exactly one record at a time, '
                          '%(count)d were given.') % {
            'model': model_label(records), 'count': len(records)})
