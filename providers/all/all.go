// Package all registers every provider adapter. Import it for its side
// effect; each adapter adds its own file here with one blank import, so
// adapters can be added without touching a shared line.
package all

import (
	_ "github.com/llmbench/llmbench/providers/openai"
	_ "github.com/llmbench/llmbench/providers/sim"
)
