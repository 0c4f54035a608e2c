#!/bin/sh
# suite_desk_pdf.sh -- teller-desk's PDFs of F21's documents (§6.6 "PDF
# where made"): serve and export --pdf-browser with Debian's chromium,
# each PDF A4 with its page's figures and footer (pdftotext), in the
# manifest, deterministic; a failing or hung browser said, not fatal
# (tests/desk/desk_pdf.py). Skips without chromium or pdftotext.
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_pdf.py" "$B"
