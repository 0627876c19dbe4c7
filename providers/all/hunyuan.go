package all

import _ "github.com/llmbench/llmbench/providers/hunyuan"
