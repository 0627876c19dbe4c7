# Conveniences only: every recipe is one plain command you can run without just.

# build the llmbench binary with its version and commit
build:
    go build -ldflags "-X main.commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo devel)" -o llmbench ./cmd/llmbench

# run the whole test suite (the README's test command)
test:
    go test ./...

# the offline demo: built-in suites against simulated targets
demo:
    go run ./cmd/llmbench demo

# formatting, vet and the race detector
lint:
    test -z "$(gofmt -l .)" && go vet ./... && go test -race ./...

# benchmarks (results go in BENCHMARKS.md)
bench:
    go test -run '^$' -bench . -benchmem ./...
