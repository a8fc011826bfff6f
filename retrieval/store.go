package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"kutip/corpus"
)

// The on-disk cache of an index (Options.Dir); doc.go describes its folder.

// errNoStore means that an index folder does not exist.
var errNoStore = errors.New("no index on disk")

// storeFormat changes whenever the layout of an index folder or the bleve
// mapping changes, so that an index written by another version is rebuilt.
const storeFormat = 4 // 3: the folder field (scope.go); 4: no term vectors, title or indexed citation fields

// manifestFile names an index folder's manifest.
const manifestFile = "kutip-index.json"

// buildPrefix starts the name of a folder whose build is in progress.
const buildPrefix = ".build-"

// tempPrefix starts the name of the temporary folder of Index.buildTemp.
const tempPrefix = "kutip-index-"

// StoreInfo says where an index lives and what Build did with the index
// folder (Options.Dir).
type StoreInfo struct {
	// Fingerprint identifies the corpus content and the analysis the index
	// was built from; an index with the same fingerprint answers the same.
	Fingerprint string
	// Path is the folder of the index in use; empty for an in-memory index.
	Path string
	// Reused is true when Build opened an index already on disk instead of
	// building one.
	Reused bool
	// Repaired, when not nil, says why an index on disk for this corpus
	// could not be used (unreadable, incomplete, a missing or garbled
	// manifest) and was rebuilt. Callers log it.
	Repaired error
	// Unwritable, when not nil, says why the index could not be built in
	// the index folder (read-only, full, not a folder): the index is in
	// memory instead, and Path is empty. Callers log it as a warning.
	Unwritable error
	// Unmerged, when not nil, says why a corpus of more than
	// memoryBuildMax sentences without an index folder could not be built
	// in a temporary folder (see Index.buildTemp): its bleve index is in
	// memory, one segment per batch, all of them on the heap. Callers log
	// it as a warning.
	Unmerged error
}

// Store returns where the index lives and what Build did with the index
// folder.
func (ix *Index) Store() StoreInfo { return ix.store }

// manifest is what an index folder records about its index.
type manifest struct {
	Format      int       `json:"format"`
	Fingerprint string    `json:"fingerprint"`
	Analyzer    string    `json:"analyzer"`
	Documents   int       `json:"documents"`
	Sentences   int       `json:"sentences"`
	Built       time.Time `json:"built"`
	// Files has the size and CRC-32C of each file of the bleve index,
	// by path relative to the index folder (see verify.go).
	Files map[string]fileSum `json:"files"`
}

// fingerprint identifies docs and the analysis applied to them: what is
// indexed and in which order (bleve document IDs are sentence positions).
// The corpus files' names, sizes and contents all reach it through the
// documents they load into, and the loader is deterministic. Each string is
// length-prefixed, so no two corpora hash alike by shifting text between
// fields.
func fingerprint(docs []corpus.Document) string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	str := func(h hash.Hash, s string) {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	str(h, "kutip index")
	str(h, strconv.Itoa(storeFormat))
	str(h, analyzerVersion)
	for _, d := range docs {
		str(h, "doc")
		str(h, d.ID)
		str(h, path.Dir(d.Source)) // the folder field; a move changes scopes
		str(h, d.Title)
		str(h, d.Lang)
		for _, p := range d.Paragraphs {
			str(h, "para")
			str(h, string(p.Kind))
			for _, s := range p.Sentences {
				str(h, s.Text)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// openStore gives the index a bleve index: in memory when dir is empty,
// otherwise reused from dir or built there.
func (ix *Index) openStore(ctx context.Context, dir string) error {
	ix.store = StoreInfo{Fingerprint: fingerprint(ix.docs)}
	if dir == "" {
		return ix.openMemory(ctx)
	}
	err := ix.openDir(ctx, dir)
	if err == nil || ctx.Err() != nil {
		return err
	}
	// The folder cannot hold the index: answer from memory rather than
	// not at all.
	ix.store.Path, ix.store.Reused, ix.store.Unwritable = "", false, err
	return ix.openMemory(ctx)
}

// openMemory gives the index a bleve index that lives in memory, or, for
// a large corpus, in a temporary folder removed once it is open.
func (ix *Index) openMemory(ctx context.Context) error {
	var (
		b   bleve.Index
		err error
	)
	if len(ix.sents) > memoryBuildMax {
		b, err = ix.buildTemp(ctx)
		if err != nil {
			ix.store.Unmerged = fmt.Errorf("temporary index folder in %s: %w", os.TempDir(), err)
		}
	}
	if b == nil && ctx.Err() == nil {
		// A small corpus, or no usable temporary folder: scorch in
		// memory, whose segments stay unmerged.
		b, err = ix.newBleve(ctx, "")
	}
	if err != nil {
		return err
	}
	ix.bleve = b
	return nil
}

// openDir gives the index a bleve index reused from dir or built there.
func (ix *Index) openDir(ctx context.Context, dir string) error {
	pruneBuilds(dir, buildPrefix, 0)
	name := ix.store.Fingerprint[:32]
	final := filepath.Join(dir, name)
	ix.store.Path = final
	b, err := ix.openChecked(final)
	switch {
	case err == nil:
		ix.bleve, ix.store.Reused = b, true
		pruneStore(dir, name)
		return nil
	case errors.Is(err, errNoStore):
		// No index for this corpus yet.
	default:
		ix.store.Repaired = err
		if err := os.RemoveAll(final); err != nil {
			return fmt.Errorf("INDEX_DIR: remove broken index: %w", err)
		}
	}
	b, err = ix.buildStore(ctx, dir, final)
	if err != nil {
		return err
	}
	ix.bleve = b
	pruneStore(dir, name)
	return nil
}

// buildTemp builds an index without INDEX_DIR, for a corpus of more than
// memoryBuildMax sentences, the way one in INDEX_DIR is built, in a temporary folder where scorch persists and merges its
// segments as it goes, and removes the folder as soon as the finished index
// is open: the files live on in the index's memory maps until Close, and
// nothing is left on disk. Built in memory instead, scorch keeps one
// segment per batch (about 200 at 200,000 sentences) and the heap holds
// them all: 3.3 times plain bleve's peak memory at 200,000 sentences
// (docs/scale.md's plain-mem), where this build keeps kutip's at 1.3.
func (ix *Index) buildTemp(ctx context.Context) (bleve.Index, error) {
	// The temporary folder is shared with whatever else runs on the
	// machine, kutip versions that do not lock their builds included:
	// only folders an hour old go.
	pruneBuilds(os.TempDir(), tempPrefix, time.Hour)
	tmp, unlock, err := makeLockedFolder(os.TempDir(), tempPrefix)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	defer unlock()
	path := filepath.Join(tmp, "bleve")
	if err := ix.writeBleve(ctx, path); err != nil {
		return nil, err
	}
	return ix.openBleve(path)
}

// openChecked opens the finished index in path and checks that it is the
// index of this corpus, whole: its manifest, its document count, and the
// stored text of its first and last sentences. It returns errNoStore when
// there is no such folder, and another error, saying what is wrong, when
// the folder is there but unusable.
func (ix *Index) openChecked(path string) (bleve.Index, error) {
	data, err := os.ReadFile(filepath.Join(path, manifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
			return nil, errNoStore
		}
		return nil, errors.New("no manifest")
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("garbled manifest: %w", err)
	}
	if m.Format != storeFormat || m.Fingerprint != ix.store.Fingerprint || m.Sentences != len(ix.sents) {
		return nil, fmt.Errorf("manifest does not match the corpus (format %d, fingerprint %.12s…, %d sentences)", m.Format, m.Fingerprint, m.Sentences)
	}
	if err := checkSums(path, m.Files); err != nil {
		return nil, err
	}
	return ix.openBleve(filepath.Join(path, "bleve"))
}

// buildStore builds the index in a temporary folder in dir, syncs it, and
// renames it to final.
func (ix *Index) buildStore(ctx context.Context, dir, final string) (bleve.Index, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("INDEX_DIR: %w", err)
	}
	// The lock tells a later start that this folder is not a crash's
	// leftover; it moves with the folder through the rename.
	tmp, unlock, err := makeLockedFolder(dir, buildPrefix)
	if err != nil {
		return nil, fmt.Errorf("INDEX_DIR: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	defer unlock()
	if err := ix.writeBleve(ctx, filepath.Join(tmp, "bleve")); err != nil {
		return nil, err
	}
	sums, err := sumFiles(tmp, "bleve")
	if err != nil {
		return nil, fmt.Errorf("INDEX_DIR: checksum the new index: %w", err)
	}
	m, err := json.MarshalIndent(manifest{
		Format:      storeFormat,
		Fingerprint: ix.store.Fingerprint,
		Analyzer:    analyzerVersion,
		Documents:   len(ix.docs),
		Sentences:   len(ix.sents),
		Built:       time.Now().UTC().Truncate(time.Second),
		Files:       sums,
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, manifestFile), append(m, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("INDEX_DIR: %w", err)
	}
	if err := syncTree(tmp); err != nil {
		return nil, fmt.Errorf("INDEX_DIR: sync: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		// Another process may have finished the same index first.
		if b, err2 := ix.openChecked(final); err2 == nil {
			return b, nil
		}
		return nil, fmt.Errorf("INDEX_DIR: %w", err)
	}
	if err := syncPath(dir); err != nil {
		return nil, fmt.Errorf("INDEX_DIR: sync: %w", err)
	}
	b, err := ix.openChecked(final)
	if err != nil {
		return nil, fmt.Errorf("open new index %s: %w", final, err)
	}
	return b, nil
}

// syncTree flushes every file and folder under root to disk, so that the
// rename that publishes a build never points at data still in the page
// cache.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return syncPath(path)
	})
}

// syncPath flushes a file or folder to disk.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// pruneStore removes what dir holds besides the index named keep: the
// indexes of other corpora or analyzer versions, builds left by a crash,
// and the single-index layout of earlier versions. It leaves files it does
// not recognise alone and ignores errors: a read-only folder still serves
// its index.
func pruneStore(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	pruneBuilds(dir, buildPrefix, 0)
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || name == keep {
			continue
		}
		path := filepath.Join(dir, name)
		switch {
		case strings.HasPrefix(name, buildPrefix):
			// pruneBuilds removes those no build owns.
		case isIndexName(name):
			if _, err := os.Stat(filepath.Join(path, "bleve")); err == nil {
				os.RemoveAll(path)
			}
		case name == "current" || name == "current.old":
			if _, err := os.Stat(filepath.Join(path, "kutip-fingerprint")); err == nil {
				os.RemoveAll(path)
			}
		}
	}
}

// isIndexName reports whether name is a finished index's folder name.
func isIndexName(name string) bool {
	if len(name) != 32 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}
