odoo.define('overseas_returns.scan_feedback', function (require) {
"use strict";

/**
 * The scanner screen's answer to every scan: the message in the colour of its type
 * and a tone a worker hears without looking (short and high when done, two beeps to
 * check something, low and long when refused).
 */
var AbstractField = require('web.AbstractField');
var fieldRegistry = require('web.field_registry');

var TONES = {
    success: [[880, 0.09]],
    info: [[660, 0.09]],
    warning: [[520, 0.12], [520, 0.12]],
    danger: [[180, 0.5]],
};
var audioContext = null;
var lastPlayed = {};

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
        if (this.value && lastPlayed[this.record.id] !== this.value) {
            lastPlayed[this.record.id] = this.value;
            playTone(type);
        }
    },
});

fieldRegistry.add('overseas_scan_feedback', ScanFeedback);

return ScanFeedback;
});
