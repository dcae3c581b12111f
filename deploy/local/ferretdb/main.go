// Command prism-ferretdb runs FerretDB embedded with its SQLite backend.
//
// FerretDB's own command cannot be built with `go install` (it panics without its
// generated version file), so Prism builds this launcher around the embeddable package.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "./data", "directory holding the SQLite databases")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	// WAL with synchronous=NORMAL cannot corrupt the database; a power cut may drop the
	// last commits. Right for local runs and tests; pass -sqlite-sync full for durability.
	sqliteSync := flag.String("sqlite-sync", "normal", "SQLite synchronous pragma: normal or full")
	// Checkpoints copy each page of the write-ahead log back into the database once per checkpoint,
	// however often it changed: SQLite's default (every 1,000 pages) copied hot documents over and
	// over, 19 % of FerretDB's CPU under Prism's commands. Every 20,000 pages (a WAL of up to ~80 MB)
	// measured 631 -> 1,089 conditional updates/s with 16 writers on this 2-core machine.
	walCheckpoint := flag.Int("sqlite-wal-autocheckpoint", 20000, "SQLite wal_autocheckpoint pragma, in pages")
	flag.Parse()

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "prism-ferretdb: cannot create data dir: %v\n", err)
		os.Exit(1)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "prism-ferretdb: bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  "sqlite",
		SQLiteURL: fmt.Sprintf("file:%s/?_pragma=synchronous(%s)&_pragma=wal_autocheckpoint(%d)",
			*dataDir, *sqliteSync, *walCheckpoint),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "prism-ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("listening", "addr", *listen, "uri", f.MongoDBURI())
	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "prism-ferretdb: %v\n", err)
		os.Exit(1)
	}
}
