package results

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// ErrNotFound is wrapped by every lookup of a run (or a result) that does not
// exist; test for it with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrExists is wrapped by CreateRun when the run ID is already taken.
var ErrExists = errors.New("already exists")

// Store is an llmbench results database. It is safe for concurrent use, and
// several Stores (in one process or several) may open the same file: SQLite's
// WAL lets readers run while one writer commits.
type Store struct {
	db   *sql.DB
	path string
}

// dsnParams are set on every pooled connection by the driver (never with
// db.Exec, which would reach one connection only): WAL so readers never
// block the writer, a busy timeout instead of immediate SQLITE_BUSY,
// foreign keys on, BEGIN IMMEDIATE so a transaction takes the write lock up
// front (no deadlock upgrading a read to a write), and synchronous=NORMAL,
// which is durable across application crashes under WAL.
const dsnParams = "_journal=WAL&_busy_timeout=5000&_fk=true&_txlock=immediate&_sync=NORMAL"

// Open opens the store at path, creating the file if needed, and applies any
// migrations it lacks. The error names the path.
func Open(path string) (*Store, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		// An in-memory database would be a different one on each pooled
		// connection; a URI would bypass the pragmas below.
		return nil, fmt.Errorf("open store %q: want a file path", path)
	}
	db, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// dsn turns a file path into a SQLite URI carrying dsnParams. The path is
// escaped so that '?', '#' and '%' in a file name stay part of the name.
func dsn(p string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	return "file:" + esc + "?" + dsnParams
}

// Close closes the database. Writers made by NewWriter must be closed first.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one embedded schema change. Files are named NNNN_name.sql;
// NNNN is the version, and versions are applied in increasing order.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order, checking that their
// versions are unique.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names { // fs.Glob returns names sorted
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", base)
		}
		if len(ms) > 0 && v <= ms[len(ms)-1].version {
			return nil, fmt.Errorf("migration %s: version %d is not above %d", base, v, ms[len(ms)-1].version)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	return ms, nil
}

// migrate applies the missing migrations in one immediate transaction, so
// two processes opening a new file at once cannot both apply them, and a
// failed migration leaves the schema as it was.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    applied TEXT NOT NULL
) STRICT`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if known := ms[len(ms)-1].version; have > known {
			return fmt.Errorf("schema version %d is newer than this llmbench knows (%d)", have, known)
		}
		for _, m := range ms {
			if m.version <= have {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
				m.version, m.name, formatTime(time.Now())); err != nil {
				return fmt.Errorf("record migration %s: %w", m.name, err)
			}
		}
		return nil
	})
}

// inTx runs fn in a transaction (BEGIN IMMEDIATE, from the DSN) and commits
// if fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// timeLayout is RFC 3339 with exactly nine fractional digits: always the same
// width in UTC, so comparing the text compares the instants.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
