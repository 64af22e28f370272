package main

import (
	"errors"
	"fmt"
	"strings"
)

const (
	startMarker = "<!-- chartdoc:values:start -->"
	endMarker   = "<!-- chartdoc:values:end -->"
)

// renderTable renders the README values table, one row per documented key.
func renderTable(rows []row) string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Description |\n")
	b.WriteString("|-----|------|---------|-------------|\n")
	for _, r := range rows {
		cells := []string{inlineCode(r.key), r.typ, inlineCode(r.def), r.desc}
		for i, c := range cells {
			cells[i] = escapeCell(c)
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	return b.String()
}

// readmeDescription renders description paragraphs for a table cell:
// paragraphs separated by <br>, and "<", ">" and "&" escaped outside code
// spans so that text such as "<release>-web" is not swallowed as an HTML tag.
func readmeDescription(paragraphs []string) string {
	escaped := make([]string, len(paragraphs))
	for i, p := range paragraphs {
		escaped[i] = escapeHTMLOutsideCode(p)
	}
	return strings.Join(escaped, "<br>")
}

// htmlEscaper escapes the characters markdown would read as HTML.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeHTMLOutsideCode escapes HTML in s except inside `code` spans, where
// markdown shows text literally.
func escapeHTMLOutsideCode(s string) string {
	parts := strings.Split(s, "`")
	for i := range parts {
		// Odd parts are inside code spans, except the text after an
		// unmatched backtick, which markdown shows as plain text.
		inCode := i%2 == 1 && i < len(parts)-1
		if !inCode {
			parts[i] = htmlEscaper.Replace(parts[i])
		}
	}
	return strings.Join(parts, "`")
}

// inlineCode wraps s in a markdown code span, using a double backtick fence
// when s itself contains a backtick.
func inlineCode(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// escapeCell keeps a value inside its table cell. GitHub markdown honours
// "\|" even inside code spans.
func escapeCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// markerBlock is the generated part of the README, markers included.
func markerBlock(table string) string {
	return startMarker + "\n\n" + table + "\n" + endMarker
}

// updateReadme replaces the text between the markers of an existing README
// with the table.
func updateReadme(readme, table string) (string, error) {
	start, end := strings.Index(readme, startMarker), strings.Index(readme, endMarker)
	switch {
	case start < 0 || end < 0:
		return "", fmt.Errorf("missing the %s / %s markers: add them, each on its own line, where the values table belongs", startMarker, endMarker)
	case strings.Count(readme, startMarker) > 1 || strings.Count(readme, endMarker) > 1:
		return "", errors.New("the chartdoc markers must appear only once")
	case end < start:
		return "", fmt.Errorf("%s must come before %s", startMarker, endMarker)
	}
	return readme[:start] + markerBlock(table) + readme[end+len(endMarker):], nil
}

// newReadme is the README created for a chart that has none.
func newReadme(meta chartMeta, table string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", meta.Name)
	if desc := strings.TrimSpace(meta.Description); desc != "" {
		b.WriteString(desc + "\n\n")
	}
	b.WriteString("## Values\n\n")
	b.WriteString(markerBlock(table) + "\n")
	return b.String()
}
