odoo.define('overseas_returns.scan_feedback', function (require) {
"use strict";

/**
 * The scanner screen's answer to every scan: the message in the colour of its type
 * and a tone a worker hears without looking (short and high when done, two beeps to
 * check something, low and long when refused).
 *
 * The screen is the form of a saved overseas.return.scanner: its controller takes
 * the scans of the barcodes framework (core.bus 'barcode_scanned'), sends each one,
 * in order, to the record's scan() and reloads the record.
 *
 * The screen has no save state: no Save/Discard/Create/Edit buttons, never a
 * "discard changes?" question, always read-only (the server writes everything), and
 * a scan is taken wherever the keyboard focus is while the screen is shown (a menu
 * link or a button keeping the focus must not swallow it).
 */
var AbstractField = require('web.AbstractField');
var BarcodeEvents = require('barcodes.BarcodeEvents');
var concurrency = require('web.concurrency');
var core = require('web.core');
var FormController = require('web.FormController');
var FormView = require('web.FormView');
var fieldRegistry = require('web.field_registry');
var session = require('web.session');
var viewRegistry = require('web.view_registry');

var TONES = {
    success: [[880, 0.09]],
    info: [[660, 0.09]],
    warning: [[520, 0.12], [520, 0.12]],
    danger: [[180, 0.5]],
};
var audioContext = null;

function playTone(type) {
    var AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!AudioContext) {
        return;
    }
    try {
        audioContext = audioContext || new AudioContext();
        var start = audioContext.currentTime;
        _.each(TONES[type] || TONES.info, function (tone) {
            var oscillator = audioContext.createOscillator();
            var gain = audioContext.createGain();
            oscillator.type = type === 'danger' ? 'square' : 'sine';
            oscillator.frequency.value = tone[0];
            gain.gain.value = 0.2;
            oscillator.connect(gain);
            gain.connect(audioContext.destination);
            oscillator.start(start);
            oscillator.stop(start + tone[1]);
            start += tone[1] + 0.06;
        });
    } catch (error) {
        // no sound card or audio not allowed yet: the colour still tells
    }
}

var ScanFeedback = AbstractField.extend({
    className: 'o_overseas_scan_feedback',
    supportedFieldTypes: ['integer'],

    isSet: function () {
        return true;
    },

    _render: function () {
        var type = this.record.data.message_type || 'info';
        this.$el.empty().append($('<div>', {
            'class': 'alert alert-' + type + ' o_overseas_scan_message',
            'data-scan-count': this.value,
            'role': 'status',
            text: this.record.data.message || '',
        }));
    },
});

var _t = core._t;
// the warehouses to pick from, read once per opening of the screen (not at each scan's
// reload, which renders the fields again)
var warehousesRead = null;

/**
 * The warehouse the scanner books into, shown large at the top, with a list to pick
 * another one: picking opens the user's scanner of that warehouse.
 */
var ScannerWarehouse = AbstractField.extend({
    tagName: 'div',
    className: 'o_overseas_scanner_warehouse',
    supportedFieldTypes: ['many2one'],

    willStart: function () {
        var self = this;
        warehousesRead = warehousesRead || this._rpc({
            model: 'stock.warehouse',
            method: 'search_read',
            fields: ['name'],
            domain: [],
        });
        return $.when(this._super.apply(this, arguments), warehousesRead.then(
            function (warehouses) {
                self.warehouses = warehouses;
            }));
    },
    isSet: function () {
        return true;
    },
    _render: function () {
        var self = this;
        var current = this.value && this.value.res_id;
        this.$el.empty().append($('<span>', {
            'class': 'o_overseas_scanner_warehouse_label',
            text: _t('Warehouse'),
        }));
        if ((this.warehouses || []).length < 2) {
            this.$el.append($('<strong>', {
                'class': 'o_overseas_scanner_warehouse_name',
                text: this.value ? this.value.data.display_name : '',
            }));
            return;
        }
        var $select = $('<select>', {
            'class': 'form-control o_overseas_scanner_warehouse_select',
            'title': _t('Choose the warehouse you scan in'),
        });
        _.each(this.warehouses, function (warehouse) {
            $select.append($('<option>', {
                value: warehouse.id,
                text: warehouse.name,
                selected: warehouse.id === current,
            }));
        });
        $select.on('change', function () {
            self._rpc({
                model: 'overseas.return.scanner',
                method: 'action_open_scanner',
                args: [parseInt($select.val(), 10)],
                context: _.extend({}, session.user_context,
                                  {overseas_return_scanner_replace: true}),
            }).then(function (action) {
                self.do_action(action);
            });
        });
        this.$el.append($select);
    },
});

var ScannerFormController = FormController.extend({
    init: function () {
        this._super.apply(this, arguments);
        this.scanMutex = new concurrency.Mutex();
        warehousesRead = null;
        core.bus.on('barcode_scanned', this, this._onScannerBarcode);
    },
    destroy: function () {
        core.bus.off('barcode_scanned', this, this._onScannerBarcode);
        this._super.apply(this, arguments);
    },
    start: function () {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            // a tap on a line or a scan of the lists would open it in a dialog, and
            // a dialog takes the next scans: rows open nothing here (buttons still work)
            self.el.addEventListener('click', function (event) {
                var $target = $(event.target);
                if ($target.closest('.o_data_row').length && !$target.closest('button').length) {
                    event.stopPropagation();
                }
            }, true);
        });
    },
    /**
     * The menu link (or button) that opened the screen must not keep the keyboard
     * focus: the Enter ending a scan would click it again.
     */
    on_attach_callback: function () {
        this._super.apply(this, arguments);
        this._takeFocus();
    },
    /**
     * After each answer: nothing keeps the keyboard focus (a button would be clicked by
     * the next scan's Enter, the warehouse list changed by its keys), except the
     * barcodes framework's own input on Chrome for Android, which is taking the next
     * scan; and the message is in sight, also on a handheld scrolled down to the lines.
     */
    _takeFocus: function () {
        var active = document.activeElement;
        var wedgeInput = BarcodeEvents.BarcodeEvents && BarcodeEvents.BarcodeEvents.$barcodeInput;
        if (wedgeInput && active === wedgeInput[0]) {
            return;
        }
        if (active && active !== document.body && active !== this.el) {
            active.blur();
        }
        this.$el.attr('tabindex', -1);
        this.el.focus({preventScroll: true});
        var message = this.$('.o_overseas_scan_feedback')[0];
        var content = this.$el.closest('.o_content')[0];
        if (message && content && message.getBoundingClientRect().top <
                content.getBoundingClientRect().top) {
            message.scrollIntoView();
        }
    },
    // no save state: nothing to save, discard, create or edit, nothing to ask
    renderButtons: function () {},
    renderPager: function () {},
    renderSidebar: function () {},
    canBeRemoved: function () {
        return $.when();
    },
    canBeDiscarded: function () {
        return $.when(false);
    },
    _setMode: function (mode, recordID) {
        return this._super('readonly', recordID);
    },

    /**
     * One scan: scan() on the saved scanner, then its tone, then the record as the
     * server left it.  Scans queue up: a fast worker's next scan waits for this one.
     *
     * @private
     * @param {string} barcode
     * @param {Element} target where the keys were typed
     */
    _onScannerBarcode: function (barcode, target) {
        var self = this;
        var reserved = _.any(BarcodeEvents.ReservedBarcodePrefixes, function (prefix) {
            return barcode.indexOf(prefix) === 0;
        });
        if (reserved || !this.$el.is(':visible') || $(target).closest('.modal').length) {
            return;  // Odoo's own commands, a screen not shown, or typing in a dialog
        }
        this.scanMutex.exec(function () {
            var resID = self.model.get(self.handle, {raw: true}).res_id;
            if (!resID) {
                return $.when();
            }
            // the user's context: the answer's labels (dispositions, states, the
            // menu it names) in the user's language
            return self._rpc({
                model: self.modelName,
                method: 'scan',
                args: [[resID], barcode],
                context: session.user_context,
            }).then(function (result) {
                playTone(result.message_type);
                return self.reload();
            }).then(function () {
                self._takeFocus();
            });
        });
    },
});

var ScannerFormView = FormView.extend({
    config: _.extend({}, FormView.prototype.config, {
        Controller: ScannerFormController,
    }),
});

fieldRegistry.add('overseas_scan_feedback', ScanFeedback);
fieldRegistry.add('overseas_scanner_warehouse', ScannerWarehouse);
viewRegistry.add('overseas_return_scanner_form', ScannerFormView);

return {
    ScanFeedback: ScanFeedback,
    ScannerFormController: ScannerFormController,
    ScannerWarehouse: ScannerWarehouse,
    playTone: playTone,
};
});
