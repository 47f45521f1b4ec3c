// Package extract reads the text of the documents applicants write their
// evidence in: HWP 5.0 and HWPX (한글), DOCX (Word), PDF, and plain text or
// Markdown. The format is told by the file's content, never by its name.
//
// Everything is bounded (file size, decompressed size, zip entries, PDF
// pages, extracted text, time), so that a hostile or broken file yields an
// error and never a hang, a crash or unbounded memory. Errors a user can
// fix (a protected, scanned, damaged, unsupported or oversized file) are
// user errors (package usererr), which the CLI and the Slack bot show as
// input errors; their messages name the problem and what to do.
//
// The package does no network I/O, runs no external program and needs no
// cgo. It never logs the text it reads.
package extract
