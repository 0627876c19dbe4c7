package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, buildFixture(t, fixture())); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.txt.golden", buf.Bytes())
}

func TestWriteTextWithoutBaseline(t *testing.T) {
	f := fixture()
	f.run.Baseline = ""
	var buf bytes.Buffer
	if err := WriteText(&buf, buildFixture(t, f)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "no baseline; no comparisons.") {
		t.Errorf("summary does not say there is no baseline:\n%s", out)
	}
	if strings.Contains(out, " pp ") || strings.Contains(out, "~ (p=") {
		t.Errorf("summary shows comparisons without a baseline:\n%s", out)
	}
}
