import base64
import csv
import datetime
import io
import itertools
import json
import logging
import math
import os
import re
import zipfile

import psycopg2
import xlrd

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_round
from odoo.tools import html_escape as tools_escape

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import job

from ..models.overseas_return_guard import ThreadFlag, action_writes, ensure_one_record
from ..models.queue_jobs import delayed, in_user_language

_logger = logging.getLogger(__name__)

_INLINE = ThreadFlag()
# Inside this block a manifest of any size is imported in the request (benchmarks and
# tests compare it with the jobs); a thread flag, which no RPC context can raise.
import_inline = _INLINE.raised

# (key, column as normalised from the header, required)
GENERIC_COLUMNS = [
    ('origin_ref', 'order_ref', True),
    ('tracking_ref', 'tracking_ref', True),
    ('sku', 'sku', True),
    ('quantity', 'quantity', True),
    ('reason', 'reason_code', True),
    ('date', 'return_date', True),
    ('customer', 'customer', False),
    ('condition', 'condition', False),
    ('note', 'note', False),
    ('lpn', 'lpn', False),
    ('email', 'customer_email', False),
    ('buyer_id', 'buyer_id', False),
    ('customer_ref', 'customer_ref', False),
    # lots or serial numbers of the units, comma-separated (either header)
    ('lot', 'lot', False),
    ('lot', 'serial', False),
]
# Amazon Seller Central > Reports > Fulfillment > Customer returns, as downloaded
AMAZON_COLUMNS = [
    ('date', 'return_date', True),
    ('origin_ref', 'order_id', True),
    ('sku', 'sku', True),
    ('quantity', 'quantity', True),
    ('reason', 'reason', True),
    ('disposition', 'detailed_disposition', False),
    ('status', 'status', False),
    ('lpn', 'license_plate_number', False),
    ('note', 'customer_comments', False),
    ('center', 'fulfillment_center_id', False),
    ('customer', 'customer', False),
    ('email', 'buyer_email', False),
    ('buyer_id', 'buyer_id', False),
]
PRESET_COLUMNS = {'generic': GENERIC_COLUMNS, 'amazon': AMAZON_COLUMNS}
# header spelling shown to the user (Amazon's report uses dashes)
PRESET_SEPARATOR = {'generic': '_', 'amazon': '-'}

DATE_FORMATS = ('%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%m/%d/%Y', '%d.%m.%Y', '%Y%m%d')
EXCEL_MAGIC = (b'\xd0\xcf\x11\xe0', b'PK\x03\x04')
TEXT_EXTENSIONS = ('.csv', '.txt', '.tsv')
EXCEL_EXTENSIONS = ('.xls', '.xlsx')
MAX_LISTED_ERRORS = 50
DECIMAL_COMMA = re.compile(r'^\d+,\d{1,2}$')
CHUNK_ORDERS = 100
# a manifest brings thousands of returns: no creation message, no follower per return
IMPORT_CONTEXT = {'tracking_disable': True, 'mail_notrack': True,
                  'mail_create_nolog': True, 'mail_create_nosubscribe': True}

# limits checked before any parsing (system parameters override the defaults)
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100000
PARAM_MAX_BYTES = 'overseas_returns.import_max_bytes'
PARAM_MAX_ROWS = 'overseas_returns.import_max_rows'
UNZIPPED_FACTOR = 10          # an .xlsx may unpack to 10 times the byte cap
MAX_ZIP_MEMBERS = 1000
MAX_QTY_PER_ROW = 10000.0
MIN_RETURN_YEAR = 2000
# a cell starting with one of these is a formula to a spreadsheet
FORMULA_CHARS = ('=', '+', '-', '@', '\t', '\r')
# identifiers starting with a formula character are refused; free text is stripped
IDENTIFIER_KEYS = ('origin_ref', 'tracking_ref', 'sku', 'lpn', 'email', 'buyer_id',
                   'customer_ref')
CUSTOMER_KEYS = ('customer', 'email', 'buyer_id', 'customer_ref')
TEXT_KEYS = ('customer', 'note', 'condition', 'disposition', 'status', 'center')
# longest cell a column may hold: identifiers are indexed (PostgreSQL refuses an index
# entry over 8 kB), and no order number, SKU or name is longer
MAX_CELL_LENGTH = 255
MAX_NOTE_LENGTH = 2000
EMAIL = re.compile(r'^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$')
# cp932: Windows' Shift-JIS, as Japanese marketplaces and Excel write it
ENCODINGS = {'utf-8': 'utf-8-sig', 'gb18030': 'gb18030', 'cp932': 'cp932',
             'cp1252': 'cp1252'}
# GBK byte pairs, aligned as a GBK decoder reads them; group 1: a GB2312 character
# (hanzi or CJK punctuation), the bulk of any real Chinese text
GBK_PAIR = re.compile(rb'([\xa1-\xf7][\xa1-\xfe])|[\x80-\xff][\x00-\xff]?')
GB2312_SHARE = 0.8
HIGH_RUN = re.compile(rb'[\x80-\xff]+')
WESTERN_RUNS = 0.2
MAX_SCANNED_RUNS = 20000
# advisory locks of the importer: (this class id, hash of company and channel)
LOCK_CLASS = 52071
CLAIM_TABLE = 'overseas_return_import_claim'
# manifests with more rows than this are imported by jobs (system parameter overrides)
ASYNC_ROWS = 500
PARAM_ASYNC_ROWS = 'overseas_returns.import_async_rows'
# rows per import job (whole orders: a chunk never splits one marketplace order)
CHUNK_ROWS = 500
PARAM_CHUNK_ROWS = 'overseas_returns.import_chunk_rows'
# one row per chunk job: its rows and, once done, what it created
CHUNK_TABLE = 'overseas_return_import_chunk'
IMPORT_CHANNEL = 'root.overseas_import'


def _neutralise(value):
    """A cell for the error file: formulas come back as text (a leading quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        return "'" + value
    return value


def _strip_formula(value):
    return value.lstrip('=+-@\t\r\n ').strip()


def _gb2312_share(data):
    """(GB2312 pairs, other high-byte pairs) of ``data`` read as GBK.

    Chinese text in GBK is almost only GB2312 pairs (both bytes 0xA1-0xFE);
    Windows-1252 text has lone accented letters followed by ASCII, which GBK reads
    as rare extension characters, or is not even valid GBK.
    """
    matches = GBK_PAIR.findall(data)
    other = matches.count(b'')
    return len(matches) - other, other


def _western_runs(data):
    """(Western-looking runs, runs) of consecutive high bytes (the first 20,000).

    A GBK character is two bytes, and Chinese words stand between spaces, digits or
    punctuation; an accented Western letter is one byte inside a word. A run of odd
    length, or one with ASCII letters on both sides ("Gr|\xf6\xdf|e"), looks Western.
    """
    western = total = 0
    for match in itertools.islice(HIGH_RUN.finditer(data), MAX_SCANNED_RUNS):
        total += 1
        start, end = match.span()
        inside_word = data[start - 1:start].isalpha() and data[end:end + 1].isalpha()
        if (end - start) % 2 or inside_word:
            western += 1
    return western, total


def _normalise_header(value):
    return '_'.join(str(value).replace('\ufeff', '').strip().lower()
                    .replace('-', ' ').replace('_', ' ').split())


def _xls_cell(cell, datemode):
    """The text of a cell; dates come back as datetime objects."""
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = cell.value
        if math.isfinite(value) and value == int(value):
            return str(int(value))  # SKUs and order numbers typed as numbers
        return repr(value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return str(bool(cell.value))
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ''
    return str(cell.value).strip()


def _as_text(value):
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(' ')
    return value


class OverseasReturnImport(models.TransientModel):
    """Import a return manifest (Amazon FBA returns report or the generic layout).

    All or nothing by default: any bad row stops the import and every problem is listed.
    With ``import_good_rows`` the good rows are imported and the bad ones come back
    as a CSV file with an error column.  Rows already imported are skipped, so a
    manifest can be imported again safely.
    """

    _name = 'overseas.return.import'
    _inherit = ['overseas.return.guard.mixin']
    _description = 'Import Return Manifest'
    # the import's progress and result are the import's own to write
    _action_owned_fields = {name: () for name in (
        'state', 'row_total', 'job_message', 'order_ids', 'order_count', 'line_count',
        'skipped_count', 'error_count', 'error_file', 'error_filename')}

    state = fields.Selection([('upload', 'File to Import'),
                              ('running', 'Importing in the Background'),
                              ('done', 'Import Result'), ('failed', 'Import Failed')],
                             string='Step', default='upload', required=True)
    row_total = fields.Integer(string='Rows in the File', readonly=True)
    row_done = fields.Integer(string='Rows Done', compute='_compute_progress')
    progress = fields.Float(string='Progress (%)', compute='_compute_progress')
    job_message = fields.Text(string='Import Problems', readonly=True)
    data_file = fields.Binary(string='Manifest File', required=True)
    filename = fields.Char(string='File Name')
    warehouse_id = fields.Many2one(
        'stock.warehouse', string='Warehouse', required=True,
        default=lambda self: self.env['overseas.return.order']._default_warehouse(),
        help='The overseas warehouse the returns go to.')
    channel_id = fields.Many2one(
        'overseas.return.channel', string='Sales Channel',
        help='Marketplace of the orders in the file. Left empty, the Amazon preset '
             'uses the Amazon channel.')
    preset = fields.Selection([
        ('auto', 'Recognise from the columns'),
        ('amazon', 'Amazon FBA customer returns report'),
        ('generic', 'Generic return manifest'),
    ], string='File Layout', default='auto', required=True)
    encoding = fields.Selection([
        ('auto', 'Recognise'),
        ('utf-8', 'UTF-8'),
        ('gb18030', 'Chinese (GBK, GB18030)'),
        ('cp932', 'Japanese (Shift-JIS)'),
        ('cp1252', 'Western European (Windows-1252)'),
    ], string='Text Encoding', default='auto', required=True,
        help='For CSV and text files. Recognise: UTF-8 when the file is valid UTF-8, '
             'else GBK or Windows-1252, whichever the bytes fit. Shift-JIS files '
             '(Japanese) are read when it is chosen here.')
    import_good_rows = fields.Boolean(
        string='Import the Good Rows',
        help='When some rows have problems, import the others and download the bad '
             'rows with their errors as a CSV file. Otherwise nothing is imported '
             'until every row is correct.')
    order_ids = fields.Many2many('overseas.return.order', string='Imported Returns',
                                 readonly=True)
    order_count = fields.Integer(string='Returns Created or Completed', readonly=True)
    line_count = fields.Integer(string='Lines Imported', readonly=True)
    skipped_count = fields.Integer(string='Rows Already Imported', readonly=True)
    error_count = fields.Integer(string='Rows with Errors', readonly=True)
    error_file = fields.Binary(string='Rows with Errors (CSV)', readonly=True)
    error_filename = fields.Char(string='Error Filename', readonly=True)

    @api.model_cr
    def init(self):
        """The claims of the importer: one row per company and channel, written by
        each import (see _claim_import), and one per marketplace order written by the
        imports in jobs (see _claim_orders); the chunks of the imports in jobs."""
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS %s (
                key varchar PRIMARY KEY,
                claimed_at timestamp without time zone)""" % CLAIM_TABLE)
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS %s (
                import_id integer NOT NULL,
                sequence integer NOT NULL,
                rows integer[] NOT NULL,
                data text NOT NULL,
                job_uuid varchar,
                done boolean NOT NULL DEFAULT false,
                order_ids integer[] NOT NULL DEFAULT '{}',
                line_count integer NOT NULL DEFAULT 0,
                skipped_count integer NOT NULL DEFAULT 0,
                error_count integer NOT NULL DEFAULT 0,
                PRIMARY KEY (import_id, sequence))""" % CHUNK_TABLE)

    @api.multi
    def _compute_progress(self):
        """Rows done: those of the finished chunks (one query for all records);
        the rows the first job refused count as done too."""
        done = {}
        running = self.filtered(lambda r: r.state == 'running' and r.id)
        if running:
            self.env.cr.execute("""
                SELECT import_id, sum(array_length(rows, 1)) FROM %s
                WHERE done AND import_id IN %%s GROUP BY import_id""" % CHUNK_TABLE,
                (tuple(running.ids),))
            done = dict(self.env.cr.fetchall())
        for record in self:
            if record.state in ('done', 'failed'):
                record.row_done = record.row_total
            else:
                record.row_done = min(record.row_total,
                                      done.get(record.id, 0) + record.error_count)
            record.progress = 100.0 * record.row_done / record.row_total \
                if record.row_total else 0.0

    @api.model
    def create(self, vals):
        # the web client sends the empty list of imported returns with a new import
        self._check_owned_fields_create({
            name: value for name, value in vals.items()
            if not (name == 'order_ids' and isinstance(value, (list, tuple)) and all(
                isinstance(cmd, (list, tuple)) and cmd and (
                    cmd[0] == 5 or (cmd[0] == 6 and len(cmd) == 3 and not cmd[2]))
                for cmd in value))})
        return super(OverseasReturnImport, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_owned_fields_write(vals)
        return super(OverseasReturnImport, self).write(vals)

    @api.onchange('preset')
    def _onchange_preset(self):
        if self.preset == 'amazon' and not self.channel_id:
            self.channel_id = self._amazon_channel()

    # ------------------------------------------------------------------ action
    @api.multi
    def action_import(self):
        """Read the file, check every row, create the returns (see the class).

        Rights first, then the size limits, then parsing; answers an action (a dict).
        The writes run inside action_writes(): the import owns what it creates.
        """
        with action_writes():
            return self._action_import()

    def _action_import(self):
        if len(self) != 1:
            raise UserError(_('Import one manifest at a time: %(count)s import '
                              'wizards were given.') % {'count': len(self)})
        self._check_import_rights()
        if self.state != 'upload':
            raise UserError(_('%(file)s was imported by this import already (or is being '
                              'imported): upload it in a new import; the rows already '
                              'imported will be skipped.') % {'file': self._file_label()})
        header, rows = self._read_file()
        if len(rows) > self._import_limit(PARAM_ASYNC_ROWS, ASYNC_ROWS) and not _INLINE:
            return self._enqueue_import(len(rows))
        preset = self.preset if self.preset != 'auto' else self._detect_preset(header)
        columns = self._map_columns(header, preset)
        channel = self.channel_id or (self._amazon_channel() if preset == 'amazon'
                                      else self.env['overseas.return.channel'])
        records = [self._parse_row(number, cells, columns) for number, cells in rows]
        if not records:
            raise UserError(_('%(file)s is empty: it has no return rows.')
                            % {'file': self._file_label()})
        self._check_rows(records, preset, channel)
        bad = [record for record in records if record['errors']]
        if bad and not self.import_good_rows:
            raise UserError(self._errors_message(bad, len(records)))
        good = [record for record in records if not record['errors']]
        self._claim_import(channel)
        # the claims of the imports running in jobs too (see _claim_orders)
        self._claim_orders(channel, {record['values']['origin_ref'] or
                                     record['values']['tracking_ref'] for record in good})
        created_orders, line_count, skipped = self._import_records(
            good, preset, channel)
        values = {
            'state': 'done', 'order_ids': [(6, 0, created_orders.ids)],
            'order_count': len(created_orders), 'line_count': line_count,
            'skipped_count': skipped, 'error_count': len(bad),
            'row_total': len(records),
        }
        if bad:
            values.update(error_file=self._error_csv(header, bad),
                          error_filename=self._error_filename())
        self.write(values)
        if created_orders and not bad:
            return self.action_view_returns()
        return self._action_reopen()

    @api.multi
    def action_refresh(self):
        """The import record again, with the progress of its jobs."""
        ensure_one_record(self)
        return self._action_reopen()

    @api.multi
    def action_view_returns(self):
        ensure_one_record(self)
        action = self.env.ref('overseas_returns.overseas_return_order_action').read()[0]
        if len(self.order_ids) == 1:
            action.update(views=[(False, 'form')], view_mode='form',
                          res_id=self.order_ids.id)
        else:
            action['domain'] = [('id', 'in', self.order_ids.ids)]
        return action

    def _check_import_rights(self):
        """Before the file is even decoded: returns users who may create returns."""
        if not self.env.user.has_group('overseas_returns.group_returns_user'):
            raise AccessError(_('Only returns users may import return manifests.'))
        if not self.env['overseas.return.order'].check_access_rights(
                'create', raise_exception=False):
            raise AccessError(_('You may not create returns, so you may not import '
                                'a return manifest.'))

    def _claim_import(self, channel):
        """Serialise the imports of one company and channel.

        The advisory lock makes a second import of the same channel wait for the
        first. Waiting is not enough under Odoo's REPEATABLE READ: the second's
        snapshot predates the first's commit, so it would not see the returns just
        created. Each import therefore also writes its claim row: writing a row that a
        transaction committed after our snapshot fails with a serialization failure,
        which Odoo's RPC layer retries in a fresh transaction; that one sees the first
        import's returns and skips their rows.
        """
        company = self.warehouse_id.company_id
        key = '%s:%s' % (company.id, channel.id or 0)
        cr = self.env.cr
        cr.execute('SELECT pg_advisory_xact_lock(%s, hashtext(%s))', (LOCK_CLASS, key))
        try:
            with cr.savepoint():
                cr.execute("""
                    INSERT INTO %s (key, claimed_at)
                    VALUES (%%s, now() at time zone 'UTC')
                    ON CONFLICT (key) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
                """ % CLAIM_TABLE, (key,), log_exceptions=False)
        except psycopg2.extensions.TransactionRollbackError:
            message = _('Another import of returns for %(channel)s finished while this '
                        'one was starting. Nothing was imported by this one: import the '
                        'file again, the rows already imported will be skipped.') % {
                'channel': channel.name or _('no sales channel')}
            # the same SQL state, so that Odoo's RPC layer retries the whole import
            cr.execute("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = "
                       "'serialization_failure', MESSAGE = %s; END $$",
                       (message,), log_exceptions=False)

    # ------------------------------------------------------------------ jobs
    def _enqueue_import(self, row_count):
        """A big manifest: answer at once with this import record; a first job checks
        every row (the same checks as inline), then jobs import it in chunks and a
        last job writes the result (see _job_prepare_import)."""
        if self.state == 'running':
            raise UserError(_('%(file)s is already being imported.')
                            % {'file': self._file_label()})
        self.write({'state': 'running', 'row_total': row_count, 'job_message': False,
                    'error_count': 0, 'error_file': False})
        delayed(self, description=_('Check the return manifest %(file)s') % {
            'file': self._file_label()})._job_prepare_import()
        return self._action_reopen()

    def _prepared_records(self):
        """(header, preset, channel, records) of the file, every row checked."""
        header, rows = self._read_file()
        preset = self.preset if self.preset != 'auto' else self._detect_preset(header)
        columns = self._map_columns(header, preset)
        channel = self.channel_id or (self._amazon_channel() if preset == 'amazon'
                                      else self.env['overseas.return.channel'])
        records = [self._parse_row(number, cells, columns) for number, cells in rows]
        return header, preset, channel, records

    @api.multi
    @job(default_channel=IMPORT_CHANNEL)
    @in_user_language
    def _job_prepare_import(self):
        """Check the file; refuse it (error message, error file) or cut the good rows
        into chunks of whole orders, one job each, and a job that collects the result."""
        self.ensure_one()
        with action_writes():
            try:
                header, preset, channel, records = self._prepared_records()
                if not records:
                    raise UserError(_('%(file)s is empty: it has no return rows.')
                                    % {'file': self._file_label()})
                self._check_rows(records, preset, channel)
            except UserError as error:
                return self._import_failed(error.name)
            bad = [record for record in records if record['errors']]
            outcome = {'error_count': len(bad)}
            if bad:
                outcome.update(error_file=self._error_csv(header, bad),
                               error_filename=self._error_filename())
            if bad and not self.import_good_rows:
                self.write(outcome)
                return self._import_failed(self._errors_message(bad, len(records)))
            self.write(outcome)
            groups = {}
            for record in records:
                if not record['errors']:
                    values = record['values']
                    key = values['origin_ref'] or values['tracking_ref'] or record['row']
                    groups.setdefault(key, []).append(record)
            size = self._import_limit(PARAM_CHUNK_ROWS, CHUNK_ROWS)
            chunks, current = [], []
            for rows in groups.values():
                current += rows
                if len(current) >= size:
                    chunks.append(current)
                    current = []
            if current:
                chunks.append(current)
            header_text = [_as_text(cell) for cell in header]
            for sequence, chunk in enumerate(chunks):
                # the chunk's cells go with it: no job reads the whole file again
                rows = [record['row'] for record in chunk]
                data = json.dumps({'header': header_text, 'rows': [
                    [record['row'], [_as_text(cell) for cell in record['cells']]]
                    for record in chunk]})
                chunk_job = delayed(self, description=_(
                    'Import rows of the return manifest %(file)s (part %(part)s of '
                    '%(parts)s)') % {'file': self._file_label(), 'part': sequence + 1,
                                     'parts': len(chunks)})._job_import_chunk(sequence)
                self.env.cr.execute("""
                    INSERT INTO %s (import_id, sequence, rows, data, job_uuid)
                    VALUES (%%s, %%s, %%s, %%s, %%s)""" % CHUNK_TABLE,
                                    (self.id, sequence, rows, data, chunk_job.uuid))
            # retried until every chunk is done, without counting the retries
            delayed(self, max_retries=0, description=_(
                'Result of the return manifest %(file)s') % {
                'file': self._file_label()})._job_finish_import()
            return _('%(count)s chunks queued') % {'count': len(chunks)}

    @api.multi
    @job(default_channel=IMPORT_CHANNEL)
    @in_user_language
    def _job_import_chunk(self, sequence):
        """Import the rows of one chunk; its row of CHUNK_TABLE records the outcome.

        Run again (a retry after a failure, two uploads of one manifest), it skips the
        rows already imported, as an inline import does; the claim rows of its orders
        make two jobs importing the same orders at once fail with a serialization
        failure, which queue_job retries in a fresh transaction.
        """
        self.ensure_one()
        cr = self.env.cr
        cr.execute('SELECT data, done FROM %s WHERE import_id = %%s AND sequence = %%s'
                   % CHUNK_TABLE, (self.id, sequence))
        row = cr.fetchone()
        if not row or row[1]:
            return _('nothing to do')
        data = json.loads(row[0])
        with action_writes():
            header = data['header']
            preset = self.preset if self.preset != 'auto' \
                else self._detect_preset(header)
            columns = self._map_columns(header, preset)
            channel = self.channel_id or (self._amazon_channel() if preset == 'amazon'
                                          else self.env['overseas.return.channel'])
            records = [self._parse_row(number, cells, columns)
                       for number, cells in data['rows']]
            self._check_rows(records, preset, channel)
            good = [record for record in records if not record['errors']]
            self._claim_orders(channel, {record['values']['origin_ref'] or
                                         record['values']['tracking_ref']
                                         for record in good})
            orders, lines, skipped = self._import_records(good, preset, channel)
        cr.execute("""
            UPDATE %s SET done = true, order_ids = %%s, line_count = %%s,
                skipped_count = %%s, error_count = %%s
            WHERE import_id = %%s AND sequence = %%s""" % CHUNK_TABLE,
                   (orders.ids, lines, skipped, len(records) - len(good), self.id,
                    sequence))
        return _('%(orders)s returns, %(lines)s lines, %(skipped)s rows skipped') % {
            'orders': len(orders), 'lines': lines, 'skipped': skipped}

    @api.multi
    @job(default_channel=IMPORT_CHANNEL)
    @in_user_language
    def _job_finish_import(self):
        """Once every chunk is done: the result on the import record and a message to
        the user; a chunk that failed for good fails the import."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute('SELECT job_uuid, done, order_ids, line_count, skipped_count, '
                   'error_count FROM %s WHERE import_id = %%s ORDER BY sequence'
                   % CHUNK_TABLE, (self.id,))
        chunks = cr.fetchall()
        pending = [chunk[0] for chunk in chunks if not chunk[1]]
        failed = self.env['queue.job']
        if pending:
            jobs = self.env['queue.job'].sudo().search([('uuid', 'in', pending)])
            # a part still waiting or running may still import its rows: the result
            # is written once every part is done or failed for good
            if jobs.filtered(lambda job: job.state not in ('failed', 'done')):
                raise RetryableJobError(_('%(count)s parts still to import')
                                        % {'count': len(pending)}, seconds=2,
                                        ignore_retry=True)
            failed = jobs.filtered(lambda job: job.state == 'failed')
        done = [chunk for chunk in chunks if chunk[1]]
        order_ids = []
        for chunk in done:
            order_ids += [order_id for order_id in chunk[2] if order_id not in order_ids]
        values = {
            'state': 'done', 'order_ids': [(6, 0, order_ids)],
            'order_count': len(order_ids),
            'line_count': sum(chunk[3] for chunk in done),
            'skipped_count': sum(chunk[4] for chunk in done),
            'error_count': self.error_count + sum(chunk[5] for chunk in done),
        }
        if pending:
            with action_writes():
                self.write(values)
            return self._import_failed(_(
                '%(count)s of %(parts)s parts of the import failed. The others were '
                'imported: %(orders)s returns created or completed, %(lines)s lines. '
                'Import the file again: the rows already imported will be skipped.'
                '\n\n%(error)s') % {
                'count': len(pending), 'parts': len(chunks),
                'orders': values['order_count'], 'lines': values['line_count'],
                'error': ((failed[:1].exc_info or '').strip().splitlines() or [''])[-1]})
        with action_writes():
            self.write(values)
        self._notify_import(_(
            'The return manifest %(file)s is imported: %(orders)s returns created or '
            'completed, %(lines)s lines, %(skipped)s rows already imported, %(errors)s '
            'rows with errors.') % {
            'file': self._file_label(), 'orders': values['order_count'],
            'lines': values['line_count'], 'skipped': values['skipped_count'],
            'errors': values['error_count']})
        return _('done')

    def _import_failed(self, message):
        with action_writes():
            self.write({'state': 'failed', 'job_message': message})
        self._notify_import(_('The return manifest %(file)s was not imported: '
                              '%(error)s') % {'file': self._file_label(),
                                              'error': message})
        return message

    def _notify_import(self, text):
        """A message in the user's inbox (Discuss), pushed to the open web client."""
        partner = self.create_uid.partner_id or self.env.user.partner_id
        self.env['mail.message'].sudo().create({
            'message_type': 'notification',
            'subtype_id': self.env.ref('mail.mt_note').id,
            'subject': _('Return manifest import'),
            'body': '<p>%s</p>' % tools_escape(text).replace('\n', '<br/>'),
            'partner_ids': [(4, partner.id)],
            'needaction_partner_ids': [(4, partner.id)],
        })

    def _claim_orders(self, channel, refs):
        """Write one claim row per marketplace order of a chunk, in a stable order (no
        deadlock between two chunks): a chunk that imports the same orders as one
        committed after its snapshot fails with a serialization failure."""
        prefix = '%s:%s:' % (self.warehouse_id.company_id.id, channel.id or 0)
        self._claim_keys(prefix + str(ref) for ref in refs)

    def _claim_keys(self, keys):
        keys = sorted(set(keys))
        if not keys:
            return
        self.env.cr.execute("""
            INSERT INTO %s (key, claimed_at)
            SELECT key, now() at time zone 'UTC' FROM unnest(%%s) AS key ORDER BY key
            ON CONFLICT (key) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
        """ % CLAIM_TABLE, (keys,))

    def _import_limit(self, key, default):
        value = self.env['ir.config_parameter'].sudo().get_param(key)
        try:
            value = int(value)
        except (TypeError, ValueError):
            return default
        return value if value > 0 else default

    def _action_reopen(self):
        action = self.env.ref(
            'overseas_returns.overseas_return_import_action').read()[0]
        action.update(res_id=self.id, views=[(False, 'form')], view_mode='form',
                      target='new')
        return action

    # ------------------------------------------------------------------ reading
    def _file_label(self):
        return self.filename or _('The file')

    def _read_file(self):
        """Return the header cells and [(row number, cells)] of the non-blank rows.

        The byte cap is checked on the base64 text before decoding, the unpacked size
        of an .xlsx before xlrd opens it, the row cap while reading.
        """
        max_bytes = self._import_limit(PARAM_MAX_BYTES, MAX_BYTES)
        encoded = self.data_file or b''
        if len(encoded) * 3 // 4 > max_bytes + 3:
            raise self._too_large(len(encoded) * 3 // 4, max_bytes)
        data = base64.b64decode(encoded)
        if len(data) > max_bytes:
            raise self._too_large(len(data), max_bytes)
        if not data.strip():
            raise UserError(_('%(file)s is empty: it has no return rows.')
                            % {'file': self._file_label()})
        extension = os.path.splitext(self.filename or '')[1].lower()
        if data.startswith(EXCEL_MAGIC) or extension in EXCEL_EXTENSIONS:
            if data.startswith(b'PK'):
                self._check_zip(data, max_bytes)
            table = self._read_excel(data)
        elif extension in TEXT_EXTENSIONS or not extension:
            table = self._read_text(data, extension)
        else:
            raise self._not_a_spreadsheet()
        numbered = [(number, cells) for number, cells in enumerate(table, 1)
                    if any(_as_text(cell) for cell in cells)]
        if not numbered:
            raise UserError(_('%(file)s is empty: it has no return rows.')
                            % {'file': self._file_label()})
        return numbered[0][1], numbered[1:]

    def _too_large(self, size, max_bytes):
        return UserError(_('%(file)s is too large (%(size)s MB): a manifest may have at '
                           'most %(max)s MB. Split it into smaller files.') % {
            'file': self._file_label(), 'size': round(size / 1048576.0, 1),
            'max': round(max_bytes / 1048576.0, 1)})

    def _too_many_rows(self, max_rows):
        return UserError(_('%(file)s has more than %(max)s rows: split it into smaller '
                           'files.') % {'file': self._file_label(), 'max': max_rows})

    def _check_zip(self, data, max_bytes):
        """An .xlsx is a zip: refuse it by its declared unpacked size, before xlrd
        unpacks anything (zipfile never unpacks more than a member declares)."""
        try:
            members = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise self._not_a_spreadsheet()
        limit = max_bytes * UNZIPPED_FACTOR
        if len(members) > MAX_ZIP_MEMBERS or \
                sum(member.file_size for member in members) > limit:
            raise UserError(_('%(file)s unpacks to more than %(max)s MB, which no '
                              'manifest needs: it is refused unread. Save it again from '
                              'Excel or split it into smaller files.') % {
                'file': self._file_label(), 'max': round(limit / 1048576.0, 1)})

    def _not_a_spreadsheet(self):
        return UserError(_('%(file)s is not a spreadsheet. Import an Excel file (.xls, '
                           '.xlsx), a CSV file or a tab-separated text file (.txt).')
                         % {'file': self._file_label()})

    def _read_excel(self, data):
        try:
            book = xlrd.open_workbook(file_contents=data)
            sheet = next((sheet for sheet in book.sheets() if sheet.nrows), None)
        except Exception as error:  # xlrd raises many kinds on files that are not Excel
            _logger.info('Return manifest %s is not readable by xlrd: %s',
                         self.filename, error)
            raise self._not_a_spreadsheet()
        if sheet is None:
            return []
        max_rows = self._import_limit(PARAM_MAX_ROWS, MAX_ROWS)
        if sheet.nrows > max_rows + 1:
            raise self._too_many_rows(max_rows)
        return [[_xls_cell(cell, book.datemode) for cell in sheet.row(index)]
                for index in range(sheet.nrows)]

    def _read_text(self, data, extension):
        text = self._decode(data)
        first_line = text.split('\n', 1)[0]
        if extension in ('.txt', '.tsv') or '\t' in first_line:
            delimiter = '\t'
        else:
            delimiter = max(',;', key=first_line.count)
        reader = csv.reader(io.StringIO(text, newline=''), delimiter=delimiter)
        max_rows = self._import_limit(PARAM_MAX_ROWS, MAX_ROWS)
        table = []
        try:
            for row in reader:
                if len(table) > max_rows:
                    raise self._too_many_rows(max_rows)
                table.append([cell.strip() for cell in row])
        except csv.Error as error:  # e.g. a field longer than csv's limit
            _logger.info('Return manifest %s is not readable as CSV: %s',
                         self.filename, error)
            raise self._not_a_spreadsheet()
        return table

    def _decode(self, data):
        """The encoding chosen on the wizard; else UTF-16 with BOM, UTF-8 (with or
        without BOM), else GBK or Windows-1252 (see _decode_legacy)."""
        if self.encoding and self.encoding != 'auto':
            try:
                text = data.decode(ENCODINGS[self.encoding])
            except UnicodeDecodeError:
                raise UserError(_('%(file)s is not in the encoding %(encoding)s. Choose '
                                  'another text encoding, or "Recognise".') % {
                    'file': self._file_label(),
                    'encoding': dict(self._fields['encoding']._description_selection(
                        self.env))[self.encoding]})
        elif data.startswith((b'\xff\xfe', b'\xfe\xff')):
            try:
                text = data.decode('utf-16')
            except UnicodeDecodeError:
                raise self._not_a_spreadsheet()
        else:
            try:
                text = data.decode('utf-8-sig')
            except UnicodeDecodeError:
                text = self._decode_legacy(data)
        if '\x00' in text:
            raise UserError(_('%(file)s is not a spreadsheet: it contains binary data '
                              '(NUL bytes). Save it as CSV or Excel and import it '
                              'again.') % {'file': self._file_label()})
        if not self._looks_like_text(text):
            raise self._not_a_spreadsheet()
        return text

    def _decode_legacy(self, data):
        """Not UTF-8: GBK (as GB18030) or Windows-1252.

        GB18030 decodes almost any bytes, so "it decodes" proves nothing. The rule:
        read as GBK, at least 80% of the high-byte pairs must be GB2312 characters
        (both bytes 0xA1-0xFE), as in any Chinese text (Western text gives lone
        accented letters followed by ASCII letters instead), and at most 20% of the
        runs of high bytes may look Western (see _western_runs: "Größe" is a GB2312
        pair, but inside a word). Whatever only one of the two decodes is that one.
        The wizard's encoding field settles other cases.
        """
        decoded = {}
        for encoding in ('gb18030', 'cp1252'):
            try:
                decoded[encoding] = data.decode(encoding)
            except UnicodeDecodeError:
                continue
        if not decoded:
            raise self._not_a_spreadsheet()
        if len(decoded) == 1:
            return list(decoded.values())[0]
        common, other = _gb2312_share(data)
        western, runs = _western_runs(data)
        if common and common >= GB2312_SHARE * (common + other) \
                and western <= WESTERN_RUNS * runs:
            return decoded['gb18030']
        return decoded['cp1252']

    @staticmethod
    def _looks_like_text(text):
        sample = text[:4096]
        controls = sum(1 for char in sample if ord(char) < 32 and char not in '\t\r\n')
        return '\x00' not in sample and controls <= len(sample) // 100

    # ------------------------------------------------------------------ columns
    @staticmethod
    def _detect_preset(header):
        names = {_normalise_header(cell) for cell in header}
        if 'order_id' in names or 'license_plate_number' in names:
            return 'amazon'
        return 'generic'

    def _map_columns(self, header, preset):
        """{key: index}; every missing required column is reported at once."""
        positions = {}
        for index, cell in enumerate(header):
            positions.setdefault(_normalise_header(cell), index)
        columns, missing = {}, []
        for key, name, required in PRESET_COLUMNS[preset]:
            if name in positions:
                columns[key] = positions[name]
            elif required:
                missing.append(name.replace('_', PRESET_SEPARATOR[preset]))
        if missing:
            raise UserError(_(
                'Nothing was imported: %(file)s misses the column(s) %(missing)s. '
                'Its first row has: %(found)s.') % {
                'file': self._file_label(), 'missing': ', '.join(missing),
                'found': ', '.join(_as_text(cell) for cell in header if _as_text(cell))
                or _('nothing')})
        columns['_header'] = [_as_text(cell) for cell in header]
        return columns

    @staticmethod
    def _parse_row(number, cells, columns):
        values = {}
        for key, index in columns.items():
            if key == '_header':
                continue
            value = cells[index] if index < len(cells) else ''
            values[key] = value if isinstance(value, datetime.datetime) else \
                str(value).strip()
        return {'row': number, 'cells': cells, 'values': values, 'errors': [],
                'header': columns['_header'], 'columns': columns}

    # ------------------------------------------------------------------ checking
    def _check_rows(self, records, preset, channel):
        """Resolve products and reasons for the whole file; note each row's problems."""
        for record in records:
            self._check_formulas(record)
            self._check_lengths(record)
        products = self._products_by_sku({r['values']['sku'] for r in records})
        product_info = self._product_info(set(products.values()))
        reasons = self._reason_finder(preset, channel)
        seen = {}
        for record in records:
            values = record['values']
            if values.get('email') and not EMAIL.match(values['email']):
                self._add_error(record, 'email', _(
                    '"%(value)s" is not an e-mail address') % {'value': values['email']})
            required = ('sku', 'quantity') \
                if self._is_unidentified_row(values, preset) \
                else ('origin_ref', 'sku', 'quantity')
            for key in required:
                if not values[key] and key not in record.get('too_long', ()):
                    self._add_error(record, key, _('this value is required'))
            if 'origin_ref' not in required and not values['tracking_ref'] \
                    and 'tracking_ref' not in record.get('too_long', ()):
                self._add_error(record, 'tracking_ref', _(
                    'a parcel with neither order number nor customer needs its tracking '
                    'number: without it, importing the file again would register the '
                    'parcel a second time'))
            if values['sku'] and values['sku'] not in products:
                self._add_error(record, 'sku', _(
                    'unknown SKU "%(sku)s": no product has this internal reference or '
                    'barcode') % {'sku': values['sku']})
            values['product'] = products.get(values['sku'])
            info = product_info.get(values['product'])
            if info and info['type'] not in ('product', 'consu'):
                self._add_error(record, 'sku', _(
                    '%(sku)s is a service: only stockable and consumable products can '
                    'be returned') % {'sku': values['sku']})
            if values['quantity']:
                values['qty'] = self._parse_quantity(values['quantity'])
                if values['qty'] is None:
                    self._add_error(record, 'quantity', _(
                        '"%(value)s" is not a positive number') % {
                        'value': values['quantity']})
                elif values['qty'] > MAX_QTY_PER_ROW:
                    self._add_error(record, 'quantity', _(
                        '"%(value)s" is more than the %(max)s units one row may '
                        'return') % {'value': values['quantity'],
                                     'max': int(MAX_QTY_PER_ROW)})
                elif info and not self._fits_uom(values['qty'], info):
                    self._add_error(record, 'quantity', _(
                        '"%(value)s" does not fit the unit of measure of %(sku)s: '
                        '%(uom)s in steps of %(step)s') % {
                        'value': values['quantity'], 'sku': values['sku'],
                        'uom': info['uom_name'], 'step': '%g' % (
                            info['factor'] if info['countable'] else info['rounding'])})
            values['return_date'] = self._parse_date(values['date'])
            if values['return_date'] is False:
                self._add_error(record, 'date', _(
                    '"%(value)s" is not a date; write it as YYYY-MM-DD') % {
                    'value': _as_text(values['date'])})
            elif values['return_date'] and not self._plausible_date(
                    values['return_date']):
                self._add_error(record, 'date', _(
                    '"%(value)s" is not a plausible return date: it must lie between '
                    '%(first)s and one year from today') % {
                    'value': _as_text(values['date']),
                    'first': '%s-01-01' % MIN_RETURN_YEAR})
            values['reason_id'] = values['reason'] and reasons(values['reason'])
            if values['reason_id'] is None:
                self._add_error(record, 'reason', _('unknown reason code "%(code)s"')
                                % {'code': values['reason']})
            if values['product'] and values['origin_ref']:
                key = self._row_key(values)
                if key in seen:
                    self._add_error(record, 'sku', _(
                        'duplicate of row %(row)s (same order, SKU and LPN or tracking '
                        'number)') % {'row': seen[key]})
                else:
                    seen[key] = record['row']

    def _check_formulas(self, record):
        """Formula injection: a free-text cell loses its leading formula characters
        (=, +, -, @, tab, CR), a cell identifying something (order, tracking number,
        SKU, LPN, customer keys) that starts with one is a row error."""
        values = record['values']
        for key in TEXT_KEYS:
            value = values.get(key)
            if value and value.startswith(FORMULA_CHARS):
                values[key] = _strip_formula(value)
        for key in IDENTIFIER_KEYS:
            value = values.get(key)
            if value and value.startswith(FORMULA_CHARS):
                values[key] = ''
                if _strip_formula(value):
                    self._add_error(record, key, _(
                        '"%(value)s" starts with "%(char)s", which a spreadsheet reads '
                        'as a formula: write the value without it') % {
                        'value': value, 'char': value[0].replace('\t', '\\t')
                        .replace('\r', '\\r')})

    def _check_lengths(self, record):
        """A cell longer than its column may hold is a row error (and is not used)."""
        values = record['values']
        for key, value in values.items():
            if not isinstance(value, str):
                continue
            limit = MAX_NOTE_LENGTH if key == 'note' else MAX_CELL_LENGTH
            if len(value) > limit:
                values[key] = ''  # not repeated in other messages
                record.setdefault('too_long', set()).add(key)
                self._add_error(record, key, _(
                    'the value has %(length)s characters, more than the %(max)s this '
                    'column may hold') % {'length': len(value), 'max': limit})

    def _product_info(self, product_ids):
        """{product id: type and unit of measure}: two reads for the file."""
        if not product_ids:
            return {}
        products = self.env['product.product'].search_read(
            [('id', 'in', list(product_ids))], ['type', 'uom_id'])
        uoms = {uom['id']: uom for uom in self.env['product.uom'].search_read(
            [('id', 'in', list({p['uom_id'][0] for p in products}))],
            ['name', 'rounding', 'factor', 'category_id'])}
        unit_category = self.env.ref('product.product_uom_categ_unit',
                                     raise_if_not_found=False)
        info = {}
        for product in products:
            uom = uoms[product['uom_id'][0]]
            info[product['id']] = {
                'type': product['type'], 'uom_name': uom['name'],
                'rounding': uom['rounding'], 'factor': uom['factor'] or 1.0,
                'countable': bool(unit_category)
                and uom['category_id'][0] == unit_category.id}
        return info

    @staticmethod
    def _fits_uom(qty, info):
        """The UoM's rounding; units (pieces, dozens) count whole pieces."""
        rounding = info['rounding'] or 0.001
        if float_compare(qty, float_round(qty, precision_rounding=rounding),
                         precision_digits=9):
            return False
        if info['countable']:
            pieces = qty / info['factor']
            return abs(pieces - round(pieces)) < 1e-6
        return True

    @staticmethod
    def _plausible_date(date):
        first = datetime.date(MIN_RETURN_YEAR, 1, 1)
        last = datetime.date.today() + datetime.timedelta(days=366)
        return first <= fields.Date.from_string(date) <= last

    @staticmethod
    def _row_key(values):
        return (values['origin_ref'], values['product'],
                values.get('lpn') or values.get('tracking_ref') or '')

    @staticmethod
    def _add_error(record, key, message):
        index = record['columns'].get(key)
        header = record['header']
        column = header[index] if index is not None and index < len(header) else key
        record['errors'].append((column, message))

    @staticmethod
    def _parse_quantity(text):
        if DECIMAL_COMMA.match(text):  # 1,5 but not 1,000
            text = text.replace(',', '.')
        if '_' in text:
            return None  # Python's float() reads 1_0 as 10
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) and value > 0 else None

    @staticmethod
    def _parse_date(value):
        """A date string, None when empty, False when not a date."""
        if isinstance(value, datetime.datetime):
            return fields.Date.to_string(value.date())
        if not value:
            return None
        text = value.replace('T', ' ').split(' ')[0]
        if text.isdigit() and len(text) != 8:
            return False  # strptime would read 202611 as 2026-01-01
        for date_format in DATE_FORMATS:
            try:
                return fields.Date.to_string(
                    datetime.datetime.strptime(text, date_format).date())
            except ValueError:
                continue
        return False

    def _products_by_sku(self, skus):
        """{sku: product id} by internal reference first, then barcode: two searches."""
        skus = [sku for sku in skus if sku]
        if not skus:
            return {}
        Product = self.env['product.product']
        found = {}
        for field_name in ('barcode', 'default_code'):  # default_code wins
            for row in Product.search_read([(field_name, 'in', skus)], [field_name],
                                           order='id desc'):
                found[row[field_name]] = row['id']
        return found

    def _reason_finder(self, preset, channel):
        """A function code -> reason id (None when unknown), built from one search.

        Amazon reports use Amazon's codes, sometimes with a ``CR-`` prefix; the generic
        manifest takes our own code or any marketplace code, the channel's first.
        """
        maps = {name: {}
                for name in ('code', 'amazon_code', 'ebay_code', 'shopify_code')}
        for reason in self.env['overseas.return.reason'].search_read(
                [], list(maps), order='sequence desc, id desc'):
            for name, mapping in maps.items():
                if reason[name]:
                    mapping[reason[name].strip().lower()] = reason['id']
        channel_field = '%s_code' % channel.code if channel else None
        if preset == 'amazon':
            order = ['amazon_code', 'code']
        else:
            order = ['code'] + ([channel_field] if channel_field in maps else []) + \
                ['amazon_code', 'ebay_code', 'shopify_code']

        def find(code):
            code = code.strip().lower()
            variants = [code]
            if preset == 'amazon' or 'amazon_code' in order:
                variants += [code[3:]] if code.startswith('cr-') else ['cr-' + code]
            for name in order:
                for variant in variants:
                    if variant in maps[name]:
                        return maps[name][variant]
            return None
        return find

    def _errors_message(self, bad, total):
        lines = [self._error_line(record, column, message)
                 for record in bad for column, message in record['errors']]
        shown = lines[:MAX_LISTED_ERRORS]
        if len(lines) > MAX_LISTED_ERRORS:
            shown.append(_('... and %(count)s more problems.')
                         % {'count': len(lines) - MAX_LISTED_ERRORS})
        return _(
            'Nothing was imported: %(bad)s of the %(total)s rows of %(file)s have '
            'problems. Correct them and import the file again, or tick "Import the '
            'Good Rows" to import the others.\n\n%(errors)s') % {
            'bad': len(bad), 'total': total, 'file': self._file_label(),
            'errors': '\n'.join(shown)}

    def _error_line(self, record, column, message):
        return _('Row %(row)s, column "%(column)s": %(error)s') % {
            'row': record['row'], 'column': column, 'error': message}

    def _error_csv(self, header, bad):
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow([_neutralise(_as_text(cell)) for cell in header] + [_('Error')])
        for record in bad:
            cells = [_as_text(cell) for cell in record['cells']]
            cells += [''] * (len(header) - len(cells))
            writer.writerow([_neutralise(cell) for cell in cells + ['; '.join(
                self._error_line(record, column, message)
                for column, message in record['errors'])]])
        # with a BOM so that Excel opens Chinese text correctly
        return base64.b64encode(output.getvalue().encode('utf-8-sig'))

    def _error_filename(self):
        base = os.path.splitext(self.filename or 'manifest')[0]
        return _('%(name)s-errors.csv') % {'name': base}

    # ------------------------------------------------------------------ importing
    def _import_records(self, records, preset, channel):
        """Create the returns of the good rows: (orders, lines created, skipped)."""
        unidentified = [record for record in records
                        if self._is_unidentified_row(record['values'], preset)]
        if unidentified:  # neither order nor customer: the unidentified parcels queue
            parcels, parcel_lines, parcel_skipped = self._import_unidentified(
                unidentified, preset, channel)
            orders, lines, skipped = self._import_records(
                [record for record in records
                 if not self._is_unidentified_row(record['values'], preset)],
                preset, channel)
            return orders | parcels, lines + parcel_lines, skipped + parcel_skipped
        existing = self._existing_returns(records, channel)
        groups = {}
        skipped = 0
        for record in records:
            values = record['values']
            if self._row_key(values) in existing['keys']:
                skipped += 1
                continue
            groups.setdefault(values['origin_ref'], []).append(values)
        if not groups:
            return self.env['overseas.return.order'], 0, skipped
        conditions = self._parcel_conditions()
        products = self.env['product.product'].browse(
            {values['product'] for rows in groups.values() for values in rows})
        prices = {product.id: product.lst_price for product in products}
        Order = self.env['overseas.return.order'].with_context(**IMPORT_CONTEXT)
        partners = self._partners_for(groups, channel)
        order_ids, lines = [], 0
        items = list(groups.items())
        for start in range(0, len(items), CHUNK_ORDERS):
            # stored computes once per chunk: batched, yet Odoo 11's pending
            # recomputations do not grow without bound (their merge is quadratic)
            with self.env.norecompute():
                for origin_ref, rows in items[start:start + CHUNK_ORDERS]:
                    line_vals = [(0, 0, self._prepare_line_vals(values, prices))
                                 for values in rows]
                    findings = self._prepare_findings(rows, preset, conditions)
                    lines += len(line_vals)
                    order = existing['open_orders'].get(origin_ref)
                    if order:
                        order.write(self._prepare_update_vals(order, rows, line_vals,
                                                              findings))
                    else:
                        order = Order.create(self._prepare_order_vals(
                            origin_ref, rows, channel, partners, line_vals, findings))
                    order_ids.append(order.id)
            Order.recompute()
        orders = Order.browse(order_ids)
        return orders, lines, skipped

    def _existing_returns(self, records, channel):
        """Keys of the lines already imported and the open orders to complete.

        Two searches for the whole file: the orders of these marketplace orders on
        this channel, then their lines.
        """
        refs = list({record['values']['origin_ref'] for record in records})
        Order = self.env['overseas.return.order']
        keys, open_orders = set(), {}
        if not refs:
            return {'keys': keys, 'open_orders': open_orders}
        orders = Order.search_read(
            [('origin_ref', 'in', refs), ('channel_id', '=', channel.id or False)],
            ['origin_ref', 'tracking_ref', 'state'], order='id')
        trackings = {}
        for order in orders:
            trackings[order['id']] = (order['origin_ref'], self._split_refs(
                order['tracking_ref']) or [''])
            if order['state'] in ('draft', 'approved'):
                open_orders.setdefault(order['origin_ref'], Order.browse(order['id']))
        if orders:
            for line in self.env['overseas.return.line'].search_read(
                    [('order_id', 'in', list(trackings))],
                    ['order_id', 'product_id', 'lpn']):
                origin_ref, order_trackings = trackings[line['order_id'][0]]
                for ref in ([line['lpn']] if line['lpn'] else order_trackings):
                    keys.add((origin_ref, line['product_id'][0], ref))
        return {'keys': keys, 'open_orders': open_orders}

    @staticmethod
    def _split_refs(text):
        return [ref.strip() for ref in (text or '').split(',') if ref.strip()]

    def _partners_for(self, groups, channel):
        """{origin_ref: partner id}, by a stable key, never by name alone.

        The keys, in this order: the marketplace buyer id (kept on the partners the
        import creates as the reference ``CHANNEL:buyer id``), the customer reference
        (a partner's reference), the e-mail address (case-insensitive). A row with only
        a name gets a new partner for its order: a name proves nothing, and matching it
        would attach a stranger's return to an existing (portal) customer. Rows without
        any customer go to one partner per channel, e.g. "Amazon customer", itself
        found by its reference ``CHANNEL:``. One search per kind of key.
        """
        prefix = (channel.code or str(channel.id)).upper() if channel else 'IMPORT'
        if channel:
            default_name = _('%(channel)s customer') % {'channel': channel.name}
        else:
            default_name = _('Imported returns customer')
        wanted = {}
        for origin_ref, rows in groups.items():
            values = next((v for v in rows if any(v.get(k) for k in CUSTOMER_KEYS)), {})
            buyer = values.get('buyer_id')
            email = (values.get('email') or '').lower()
            wanted[origin_ref] = {
                'buyer_key': buyer and '%s:%s' % (prefix, buyer),
                'ref': values.get('customer_ref') or '',
                'email': email,
                'name': values.get('customer') or buyer or values.get('email') or '',
            }
            if not any(wanted[origin_ref].values()):
                wanted[origin_ref].update(buyer_key='%s:' % prefix, name=default_name)
        Partner = self.env['res.partner']
        by_ref, by_email = {}, {}
        refs = {w['buyer_key'] for w in wanted.values() if w['buyer_key']} | \
            {w['ref'] for w in wanted.values() if w['ref']}
        if refs:
            for partner in Partner.search_read([('ref', 'in', list(refs))], ['ref'],
                                               order='parent_id desc, id'):
                by_ref.setdefault(partner['ref'], partner['id'])
        emails = {w['email'] for w in wanted.values() if w['email']}
        if emails:
            self.env.cr.execute("""
                SELECT id FROM res_partner WHERE active AND lower(email) IN %s""",
                                (tuple(emails),))
            ids = [row[0] for row in self.env.cr.fetchall()]
            # through the ORM: the user's record rules decide which partners exist
            for partner in Partner.search_read([('id', 'in', ids)], ['email'],
                                               order='parent_id desc, id'):
                by_email.setdefault(partner['email'].lower(), partner['id'])
        # the customers this import is about to create are claimed (see _claim_orders):
        # two imports (or two chunks) at once never create one customer twice
        self._claim_keys('partner:%s' % (want['buyer_key'] or want['ref'] or
                                         want['email'])
                         for want in wanted.values()
                         if not (by_ref.get(want['buyer_key']) or by_ref.get(want['ref'])
                                 or by_email.get(want['email']))
                         and (want['buyer_key'] or want['ref'] or want['email']))
        # returns clerks register the customers a manifest names, as a marketplace
        # connector would; they need not be contact managers
        Creator = Partner.sudo().with_context(**IMPORT_CONTEXT)
        result, created = {}, {}
        company_id = self.warehouse_id.company_id.id
        items = sorted(wanted.items())
        for start in range(0, len(items), CHUNK_ORDERS):
            with self.env.norecompute():
                for origin_ref, want in items[start:start + CHUNK_ORDERS]:
                    found = by_ref.get(want['buyer_key']) or by_ref.get(want['ref']) \
                        or by_email.get(want['email'])
                    # a partner created above for the same key serves the next orders
                    key = want['buyer_key'] or want['ref'] or want['email']
                    found = found or (key and created.get(key))
                    if not found:
                        found = Creator.create({
                            'name': want['name'] or want['ref'], 'customer': True,
                            'email': want['email'] or False,
                            'ref': want['buyer_key'] or want['ref'] or False,
                            'company_id': company_id}).id
                        if key:
                            created[key] = found
                    result[origin_ref] = found
            Creator.recompute()
        return result

    def _prepare_line_vals(self, values, prices):
        vals = {
            'product_id': values['product'],
            'product_qty': values['qty'],
            'price_unit': prices.get(values['product'], 0.0),
            'reason_id': values['reason_id'] or False,
            'lpn': values.get('lpn') or False,
            'customer_note': values.get('note') or False,
        }
        if values.get('lot'):
            vals['lot_names'] = values['lot']  # lots found or created on the line
        return vals

    def _prepare_order_vals(self, origin_ref, rows, channel, partners, line_vals,
                            findings):
        warehouse = self.warehouse_id
        dates = [v['return_date'] for v in rows if v.get('return_date')]
        vals = {
            'partner_id': partners[origin_ref],
            'warehouse_id': warehouse.id,
            'company_id': warehouse.company_id.id,
            'channel_id': channel.id or False,
            'origin_ref': origin_ref,
            'tracking_ref': ', '.join(self._new_trackings([], rows)) or False,
            'line_ids': line_vals,
        }
        if dates:
            vals['date_requested'] = min(dates)
        vals.update(findings)
        return vals

    def _prepare_update_vals(self, order, rows, line_vals, findings):
        known = self._split_refs(order.tracking_ref)
        trackings = known + self._new_trackings(known, rows)
        vals = {'line_ids': line_vals, 'tracking_ref': ', '.join(trackings) or False}
        findings = dict(findings)
        if findings.get('note'):
            findings['note'] = '\n'.join(filter(None, [order.note, findings['note']]))
        if order.parcel_condition:
            findings.pop('parcel_condition', None)
        vals.update(findings)
        return vals

    @staticmethod
    def _new_trackings(known, rows):
        new = []
        for values in rows:
            ref = values.get('tracking_ref')
            if ref and ref not in known and ref not in new:
                new.append(ref)
        return new

    def _prepare_findings(self, rows, preset, conditions):
        """Amazon's detailed disposition and the manifest's condition, for the order."""
        notes, vals = [], {}
        for values in rows:
            if preset == 'amazon' and values.get('disposition'):
                notes.append(_('Amazon %(center)s found %(sku)s (LPN %(lpn)s): '
                               '%(disposition)s %(status)s') % {
                    'center': values.get('center') or '', 'sku': values['sku'],
                    'lpn': values.get('lpn') or '-',
                    'disposition': values['disposition'],
                    'status': values.get('status') or ''})
            condition = values.get('condition')
            if condition:
                key = conditions.get(condition.lower())
                if key and not vals.get('parcel_condition'):
                    vals['parcel_condition'] = key
                elif not key:
                    notes.append(_('Condition of %(sku)s: %(condition)s') % {
                        'sku': values['sku'], 'condition': condition})
        if notes:
            vals['note'] = '\n'.join(note.strip() for note in notes)
        return vals

    def _parcel_conditions(self):
        field = self.env['overseas.return.order']._fields['parcel_condition']
        selection = field._description_selection(self.env)
        conditions = {key.lower(): key for key, _label in selection}
        conditions.update({label.lower(): key for key, label in selection})
        return conditions

    # ------------------------------------------------------------------ helpers
    def _amazon_channel(self):
        channel = self.env.ref('overseas_returns.channel_amazon',
                               raise_if_not_found=False)
        return channel or self.env['overseas.return.channel'].search(
            [('code', '=', 'amazon')], limit=1)

    # ------------------------------------------------------------------ unidentified
    @staticmethod
    def _is_unidentified_row(values, preset):
        """A generic row with neither order number nor customer: nobody knows whose."""
        return preset == 'generic' and not values['origin_ref'] \
            and not any(values.get(key) for key in CUSTOMER_KEYS)

    def _import_unidentified(self, records, preset, channel):
        """Unidentified returns through create_unidentified, one per tracking number
        (one per row without one); rows whose tracking number, product and LPN are
        already on a return are skipped.  Returns (orders, lines created, skipped)."""
        rows = [record['values'] for record in records]
        known = self._known_parcel_keys({v['tracking_ref'] for v in rows
                                         if v['tracking_ref']})
        parcels, skipped = {}, 0
        for index, values in enumerate(rows):
            if (values['tracking_ref'], values['product'],
                    values.get('lpn') or '') in known:
                skipped += 1
                continue
            parcels.setdefault(values['tracking_ref'] or index, []).append(values)
        Order = self.env['overseas.return.order'].with_context(**IMPORT_CONTEXT)
        conditions = self._parcel_conditions()
        order_ids = [Order.create_unidentified(self._prepare_unidentified_vals(
            parcel_rows, preset, channel, conditions)).id
            for parcel_rows in parcels.values()]
        return (Order.browse(order_ids), sum(len(rows) for rows in parcels.values()),
                skipped)

    def _known_parcel_keys(self, trackings):
        """{(tracking number, product id, LPN or '')} of these trackings' returns."""
        if not trackings:
            return set()
        orders = {order['id']: order['tracking_ref']
                  for order in self.env['overseas.return.order'].search_read(
                      [('tracking_ref', 'in', list(trackings))], ['tracking_ref'])}
        return {(orders[line['order_id'][0]], line['product_id'][0], line['lpn'] or '')
                for line in self.env['overseas.return.line'].search_read(
                    [('order_id', 'in', list(orders))],
                    ['order_id', 'product_id', 'lpn'])}

    def _prepare_unidentified_vals(self, rows, preset, channel, conditions):
        warehouse = self.warehouse_id
        vals = {
            'warehouse_id': warehouse.id,
            'company_id': warehouse.company_id.id,
            'channel_id': channel.id or False,
            'tracking_ref': rows[0]['tracking_ref'] or False,
            'lines': [{'product_id': values['product'], 'product_qty': values['qty'],
                       'reason_id': values['reason_id'] or False,
                       'lpn': values.get('lpn') or False,
                       'customer_note': values.get('note') or False}
                      for values in rows],
        }
        dates = [values['return_date'] for values in rows if values.get('return_date')]
        if dates:
            vals['date_requested'] = min(dates)
        vals.update(self._prepare_findings(rows, preset, conditions))
        return vals
