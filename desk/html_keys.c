/* SPDX-License-Identifier: MIT */
/* html_keys.c -- single keys for S-03 (box receipt: the packet
 * checklist by number keys, seals Y/N) and S-15 (SV second count:
 * source -> destination as positions, or N and a code letter), §5: the
 * markup the keys act on and their part of the one script (served
 * after html.c's and S-13's). The keys act only while the focus is
 * outside a text field, fill the no-JS form that stays underneath, and
 * say what they did in a live region (B12); the form is then sent as a
 * person would send it. S-03's keys act on the form with the focus, or
 * the one used last (the receipt, or "Register an unexpected box"). */
#include "html.h"

#include <string.h>

/* S-15's code letters (N, then the letter): §2.10's non-transfers. */
static const char *const s2_codes[][2] = {
	{ "N", "no_second_preference" },
	{ "S", "second_same_as_first" },
	{ "E", "second_for_eliminated" },
	{ "T", "rejected_second:too_many" },
	{ "U", "rejected_second:uncertain" },
};
#define NS2_CODES (sizeof s2_codes / sizeof *s2_codes)

/* S-03: the packets a box may bring, each with its number key, and the
 * live region the keys speak in. Without the script it is the legend
 * of the packets field's numbers. */
void
d_html_packet_checklist(struct sb *b)
{
	put(b, "<p id=\"packet-codes\">Packets by number (outside a text"
	    " field, the number key ticks a packet on or off the checklist;"
	    " <kbd>Y</kbd> or <kbd>N</kbd>: seals intact or not):</p>"
	    "<ul id=\"packet-list\" data-packets=\"");
	for (int i = 0; d_html_packets[i]; i++)
		putf(b, "%s%s", i ? " " : "", d_html_packets[i]);
	put(b, "\">");
	for (int i = 0; d_html_packets[i]; i++)
		putf(b, "<li><kbd>%d</kbd> %s<span id=\"packet-%d-on\">"
		    "</span></li>", i + 1, d_html_packets[i], i + 1);
	put(b, "</ul><p id=\"receipt-say\" role=\"status\" aria-live="
	    "\"polite\"></p>");
}

/* The code letters as data (letter:code) or as text (<kbd>). */
static void
codes(struct sb *b, int text)
{
	for (size_t i = 0; i < NS2_CODES; i++)
		putf(b, text ? "%s<kbd>%s</kbd> %s" : "%s%s:%s", i ? (text ?
		    ", " : " ") : "", s2_codes[i][0], s2_codes[i][1]);
}

static void
positions(struct sb *b, const json_t *a)
{
	size_t i;
	const json_t *v;

	json_array_foreach(a, i, v)
		putf(b, "%s%lld", i ? " " : "", (long long)json_integer_value(v));
}

/* S-15: the sorting keys' stop in the bundle form (after the slip),
 * with the eliminated (source) and remaining (destination) positions of
 * contest read k and the code letters, and the live region. */
void
d_html_stage2_keys(struct sb *b, const json_t *k)
{
	static const char *const said[][3] = {
		{ "from", "eliminated", "the eliminated position the bundle"
		    " comes from (" },
		{ "to", "remaining", "), then the remaining position it goes"
		    " to (" },
	};

	put(b, "<p id=\"s2-keys\" tabindex=\"0\"");
	for (int i = 0; i < 2; i++) {
		putf(b, " data-%s=\"", said[i][0]);
		positions(b, json_object_get(k, said[i][1]));
		put(b, "\"");
	}
	put(b, " data-codes=\"");
	codes(b, 0);
	put(b, "\">Sorting keys, here or anywhere outside a text field: ");
	for (int i = 0; i < 2; i++) {
		put(b, said[i][2]);
		positions(b, json_object_get(k, said[i][1]));
	}
	put(b, ") or <kbd>N</kbd> and a code letter (");
	codes(b, 1);
	put(b, "); <kbd>Space</kbd> ends a position that a longer one"
	    " begins with; <kbd>Esc</kbd> starts again.</p><p id=\"s2-say\""
	    " role=\"status\" aria-live=\"polite\"></p>");
}

/* The script's part: S-03's and S-15's keys. */
const char d_html_js_entry_keys[] =
"(function () {\n"
"  'use strict';\n"
"  function text(t) {\n"
"    return t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' ||\n"
"      (t.tagName === 'INPUT' && !/^(checkbox|radio|button|submit)$/\n"
"        .test(t.type));\n"
"  }\n"
"  function changed(e) {\n"
"    e.dispatchEvent(new Event('input', { bubbles: true }));\n"
"  }\n"
"  function send(f) {\n"
"    var e = f.querySelector('input:invalid');\n"
"    if (e) e.focus();\n"
"    else f.requestSubmit();\n"
"  }\n"
"  function on(handler) {\n"
"    document.addEventListener('keydown', function (ev) {\n"
"      if (text(ev.target) || ev.ctrlKey || ev.altKey || ev.metaKey ||\n"
"        ev.defaultPrevented) return;\n"
"      if (handler(ev.key, ev.target)) ev.preventDefault();\n"
"    });\n"
"  }\n"
"  /* S-03: 1..8 tick a packet, Y/N the seals, Enter records, on the\n"
"     form (receipt or unexpected box) with the focus or used last */\n"
"  var list = document.getElementById('packet-list');\n"
"  var fs = ['receipt', 'unexpected'].filter(function (m) {\n"
"    return document.getElementById('f-' + m);\n"
"  });\n"
"  if (fs.length && list) (function () {\n"
"    var codes = list.getAttribute('data-packets').split(' ');\n"
"    var say = document.getElementById('receipt-say'), n = fs[0];\n"
"    function el(i) { return document.getElementById(n + '-' + i); }\n"
"    function have() {\n"
"      var h = { on: {}, rest: [] };\n"
"      el('packets').value.split(/[\\s,]+/).forEach(function (t) {\n"
"        var i = /^[0-9]+$/.test(t) ? +t : codes.indexOf(t) + 1;\n"
"        if (i >= 1 && i <= codes.length) h.on[i] = 1;\n"
"        else if (t) h.rest.push(t);\n"
"      });\n"
"      return h;\n"
"    }\n"
"    function show() {\n"
"      var h = have();\n"
"      codes.forEach(function (c, i) {\n"
"        document.getElementById('packet-' + (i + 1) + '-on')\n"
"          .textContent = h.on[i + 1] ? ' \\u2014 received' : '';\n"
"      });\n"
"    }\n"
"    function tell(t) {\n"
"      say.textContent = (n === 'receipt' ? '' : 'Unexpected box: ') + t;\n"
"    }\n"
"    function tick(k) {\n"
"      var h = have(), a = [], pk = el('packets');\n"
"      if (h.on[k]) delete h.on[k];\n"
"      else h.on[k] = 1;\n"
"      for (var i = 1; i <= codes.length; i++) if (h.on[i]) a.push(i);\n"
"      pk.value = a.concat(h.rest).join(' ');\n"
"      changed(pk);\n"
"      tell('Packet ' + k + ' ' + codes[k - 1] +\n"
"        (h.on[k] ? ': received' : ': not received'));\n"
"    }\n"
"    fs.forEach(function (m) {\n"
"      document.getElementById('f-' + m).addEventListener('focusin',\n"
"        function () {\n"
"          n = m;\n"
"          show();\n"
"        });\n"
"      document.getElementById(m + '-packets')\n"
"        .addEventListener('input', show);\n"
"    });\n"
"    show();\n"
"    on(function (k, t) {\n"
"      var u = k.toUpperCase(), s = el('seals_intact');\n"
"      if (/^[1-9]$/.test(k) && +k <= codes.length) tick(+k);\n"
"      else if (u === 'Y' || u === 'N') {\n"
"        s.checked = u === 'Y';\n"
"        changed(s);\n"
"        tell('Seals intact: ' + (u === 'Y' ? 'yes' : 'no'));\n"
"      } else if (k === 'Enter' && t.tagName !== 'BUTTON' &&\n"
"        t.tagName !== 'A') send(document.getElementById('f-' + n));\n"
"      else return false;\n"
"      return true;\n"
"    });\n"
"  })();\n"
"";

/* (two strings: C11 promises only 4095 characters in one) */
const char d_html_js_entry_keys2[] =
"  /* S-15: source, then destination: positions, or N + a code */\n"
"  var kp = document.getElementById('s2-keys');\n"
"  var f2 = document.getElementById('f-bundle2');\n"
"  if (kp && f2) (function () {\n"
"    function list(n) {\n"
"      return kp.getAttribute(n).split(' ').filter(function (s) {\n"
"        return s;\n"
"      });\n"
"    }\n"
"    var from = list('data-from'), to = list('data-to'), cds = {};\n"
"    var buf = '', src = '', code = 0;\n"
"    list('data-codes').forEach(function (c) {\n"
"      cds[c.charAt(0)] = c.slice(2);\n"
"    });\n"
"    function el(n) { return document.getElementById('bundle2-' + n); }\n"
"    function say(t) { document.getElementById('s2-say').textContent = t; }\n"
"    function pick(v) {\n"
"      buf = '';\n"
"      code = 0;\n"
"      el(src ? 'dest' : 'source').value = v;\n"
"      changed(el(src ? 'dest' : 'source'));\n"
"      if (!src) {\n"
"        src = v;\n"
"        say('from ' + v + ': to? a remaining position, or N and a' +\n"
"          ' code letter');\n"
"        return;\n"
"      }\n"
"      say('from ' + src + ' to ' + v + '; the papers next');\n"
"      src = '';\n"
"      el('papers').focus();\n"
"    }\n"
"    function digit(k) {\n"
"      var b = buf + k, set = src ? to : from;\n"
"      var pre = set.filter(function (p) { return p.indexOf(b) === 0; });\n"
"      buf = pre.length ? b : '';\n"
"      if (!pre.length)\n"
"        say('no ' + (src ? 'remaining' : 'eliminated') + ' position ' +\n"
"          b + ': ' + set.join(' '));\n"
"      else if (pre.length === 1 && pre[0] === b) pick(b);\n"
"      else say('position ' + b + '\\u2026 (Space ends it)');\n"
"    }\n"
"    on(function (k) {\n"
"      var u = k.toUpperCase(), set = src ? to : from;\n"
"      if (code && cds[u]) pick(cds[u]);\n"
"      else if (/^[0-9]$/.test(k) && !code) digit(k);\n"
"      else if (k === ' ' && buf && set.indexOf(buf) >= 0) pick(buf);\n"
"      else if (u === 'N' && src) {\n"
"        buf = '';\n"
"        code = 1;\n"
"        say('not transferred: the code letter? ' +\n"
"          Object.keys(cds).join(' '));\n"
"      } else if (k === 'Escape') {\n"
"        buf = src = '';\n"
"        code = 0;\n"
"        el('source').value = el('dest').value = '';\n"
"        changed(el('source'));\n"
"        changed(el('dest'));\n"
"        say('cleared: from which eliminated position?');\n"
"      } else return false;\n"
"      return true;\n"
"    });\n"
"  })();\n"
"})();\n";
