package report

import (
	"html/template"
	"io"
)

// pageCSS lays the report out for a screen and for A4 paper: the page is
// never wider than its paper (tables take the full width with fixed
// column shares, long quotes wrap anywhere), each item starts a new
// printed page, and a table's header repeats on every page it spans.
const pageCSS = `
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: "Malgun Gothic", "맑은 고딕", "Apple SD Gothic Neo", "NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", sans-serif;
  font-size: 10.5pt; line-height: 1.5; color: #111; margin: 0 auto; padding: 12mm 10mm; max-width: 210mm; }
h1 { font-size: 18pt; margin: 0 0 6mm; }
h2 { font-size: 13.5pt; margin: 8mm 0 2mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 2mm 0 4mm; }
th, td { border: 1px solid #777; padding: 1.5mm 2mm; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; word-break: break-word; }
th { background: #eef0f3; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.cover th { width: 32%; }
col.element { width: 20%; } col.status { width: 11%; } col.evidence { width: 27%; } col.note { width: 24%; } col.example { width: 18%; }
.id { font-weight: bold; white-space: nowrap; }
.line { color: #555; white-space: nowrap; }
.present { background: #eaf6ec; } .partial { background: #fff6e0; } .missing { background: #fde8e8; } .not_applicable { background: #f2f2f2; }
.counts { font-weight: bold; }
.progress { border-left: 3px solid #3a6ea5; padding-left: 3mm; }
.notice { color: #444; font-size: 9.5pt; }
section.item { break-before: page; page-break-before: always; }
@media print { body { padding: 0; max-width: none; } }
`

var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<h1>{{.Title}}</h1>
<table class="cover">
<tbody>
{{- range .Cover}}
<tr><th scope="row">{{index . 0}}</th><td>{{index . 1}}</td></tr>
{{- end}}
</tbody>
</table>
<ul>
{{- range .Summary}}
<li>{{.}}</li>
{{- end}}
</ul>
<p class="notice">{{.Notice}}</p>
{{- range .Items}}
<section class="item">
<h2>{{.Heading}}</h2>
<p class="counts">{{.Counts}}</p>
{{- if .Progress}}
<p class="progress"><strong>{{$.ProgressLabel}}:</strong> {{.Progress}}</p>
{{- end}}
<table class="elements">
<colgroup><col class="element"><col class="status"><col class="evidence"><col class="note"><col class="example"></colgroup>
<thead><tr><th>{{$.Columns.Element}}</th><th>{{$.Columns.Status}}</th><th>{{$.Columns.Evidence}}</th><th>{{$.Columns.Note}}</th><th>{{$.Columns.Example}}</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr class="{{.Status}}"><td><span class="id">{{.ID}}</span> {{.Label}}</td><td>{{.StatusText}}</td><td>{{if .Evidence}}“{{.Evidence}}”{{if .Line}} <span class="line">({{.Line}})</span>{{end}}{{else}}{{$.Empty}}{{end}}</td><td>{{or .Note $.Empty}}</td><td>{{or .Example $.Empty}}</td></tr>
{{- end}}
</tbody>
</table>
{{- if .Notices}}
<p><strong>{{$.NoticesLabel}}</strong></p>
<ul class="notice">
{{- range .Notices}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
</section>
{{- end}}
</body>
</html>
`))

// writeHTML writes the report as one standalone page: CSS inline, no
// scripts, no external resources.
func writeHTML(w io.Writer, v view) error {
	return htmlPage.Execute(w, struct {
		view
		CSS                                template.CSS
		Columns                            any
		Empty, ProgressLabel, NoticesLabel string
	}{v, template.CSS(pageCSS), text.Columns, text.Empty, text.Progress, text.Notices})
}
