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
 */
var AbstractField = require('web.AbstractField');
var BarcodeEvents = require('barcodes.BarcodeEvents');
var concurrency = require('web.concurrency');
var core = require('web.core');
var FormController = require('web.FormController');
var FormView = require('web.FormView');
var fieldRegistry = require('web.field_registry');
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

var ScannerFormController = FormController.extend({
    init: function () {
        this._super.apply(this, arguments);
        this.scanMutex = new concurrency.Mutex();
        core.bus.on('barcode_scanned', this, this._onScannerBarcode);
    },
    destroy: function () {
        core.bus.off('barcode_scanned', this, this._onScannerBarcode);
        this._super.apply(this, arguments);
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
        if (reserved || !$.contains(target, this.el)) {
            return;  // Odoo's own commands, or a screen not shown
        }
        this.scanMutex.exec(function () {
            var resID = self.model.get(self.handle, {raw: true}).res_id;
            if (!resID) {
                return $.when();
            }
            return self._rpc({
                model: self.modelName,
                method: 'scan',
                args: [[resID], barcode],
            }).then(function (result) {
                playTone(result.message_type);
                return self.reload();
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
viewRegistry.add('overseas_return_scanner_form', ScannerFormView);

return {
    ScanFeedback: ScanFeedback,
    ScannerFormController: ScannerFormController,
    playTone: playTone,
};
});
