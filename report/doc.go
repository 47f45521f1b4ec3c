// Package report renders a review as a file to keep: a Word document
// (DOCX), a Markdown page or a standalone HTML page, for applicants to
// forward to the colleague who writes an item, attach to an internal
// approval, or compare after a revision.
//
// It is fed by the engine's review values (engine.FormReport and its
// knowledge.Report per item), never by the text of a Slack message or of
// the command line's output, so that every format says the same: a
// cover (the file, the date, the checklist version, the items found and
// not found), then per item a table of its elements (status, the
// evidence quoted with its line, what to add, a masked example) and the
// notices.
//
// The DOCX is written with the standard library (archive/zip and XML
// text): the WordprocessingML parts a document needs and no more, with
// Korean fonts named and bordered tables, so that it opens in Word and in
// Hancom Office. The HTML has its CSS inline and no scripts, and is laid
// out to print on A4. Nothing here does I/O but writing to the caller's
// writer.
package report
