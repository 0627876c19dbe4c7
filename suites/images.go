package suites

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register the GIF decoder for image.DecodeConfig
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/webp" // register WebP

	"github.com/llmbench/llmbench/providers"
)

// imageMIMEs are the image types a case may carry.
var imageMIMEs = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// loadImage reads one image of a case: a path relative to the suite's
// folder (read from fsys, which is that folder) or a base64 data URL. The
// bytes must be a PNG, JPEG, GIF or WebP whose header decodes; the MIME
// type is sniffed from the bytes, never taken from the name.
func loadImage(fsys fs.FS, ref, folder string) (providers.Image, error) {
	if isRemoteImage(ref) {
		return remoteImage(ref)
	}
	var data []byte
	if strings.HasPrefix(ref, "data:") {
		d, err := decodeDataURL(ref)
		if err != nil {
			return providers.Image{}, err
		}
		data = d
	} else {
		name, err := imagePath(ref, folder)
		if err != nil {
			return providers.Image{}, err
		}
		data, err = readLimited(fsys, name)
		if err != nil {
			return providers.Image{}, err
		}
	}
	mime := http.DetectContentType(data)
	if !imageMIMEs[mime] {
		return providers.Image{}, fmt.Errorf("image %s is %s, not a PNG, JPEG, GIF or WebP image", shortRef(ref), mime)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return providers.Image{}, fmt.Errorf("image %s does not decode: %v", shortRef(ref), err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return providers.Image{}, fmt.Errorf("image %s is empty (%dx%d)", shortRef(ref), cfg.Width, cfg.Height)
	}
	return providers.Image{MIME: mime, Data: data}, nil
}

// isRemoteImage reports whether ref is an http(s) URL.
func isRemoteImage(ref string) bool {
	l := strings.ToLower(ref)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// remoteImage checks an http(s) image URL without fetching it: the
// provider fetches it (only providers that accept image URLs; the others
// refuse the call). Its bytes are not known here, so the case hash covers
// the URL, not the picture.
func remoteImage(ref string) (providers.Image, error) {
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" || strings.ContainsAny(ref, " \t\r\n") {
		return providers.Image{}, fmt.Errorf("image URL %q is not a valid http(s) URL", ref)
	}
	if u.User != nil {
		return providers.Image{}, fmt.Errorf("image URL %s carries a user name or password: suites are shared, so keep credentials out of them", u.Redacted())
	}
	return providers.Image{URL: ref}, nil
}

// imagePath checks that ref stays inside the suite's folder and returns it
// as an fs.FS name.
func imagePath(ref, folder string) (string, error) {
	if ref == "" {
		return "", errors.New("image path is empty")
	}
	if filepath.IsAbs(ref) || path.IsAbs(ref) {
		return "", fmt.Errorf("image path %q is absolute: write it relative to the suite's folder %s", ref, folder)
	}
	native := filepath.FromSlash(ref)
	if !filepath.IsLocal(native) {
		return "", fmt.Errorf("image path %q leaves the suite's folder %s: keep images inside it", ref, folder)
	}
	return path.Clean(filepath.ToSlash(native)), nil
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("image %s not found: paths are relative to the suite file's folder", name)
		}
		return nil, fmt.Errorf("image %s: %v", name, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, maxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %v", name, err)
	}
	if n > maxImageBytes {
		return nil, fmt.Errorf("image %s is larger than %d MiB", name, maxImageBytes>>20)
	}
	return buf.Bytes(), nil
}

// decodeDataURL decodes "data:<mime>;base64,<data>".
func decodeDataURL(ref string) ([]byte, error) {
	meta, payload, ok := strings.Cut(strings.TrimPrefix(ref, "data:"), ",")
	if !ok || !strings.HasSuffix(meta, ";base64") {
		return nil, fmt.Errorf("image %s: a data URL must look like data:image/png;base64,<data>", shortRef(ref))
	}
	if len(payload) > base64.StdEncoding.EncodedLen(maxImageBytes) {
		return nil, fmt.Errorf("image %s is larger than %d MiB", shortRef(ref), maxImageBytes>>20)
	}
	payload = strings.TrimRight(payload, "=")
	data, err := base64.RawStdEncoding.DecodeString(payload)
	if err != nil {
		return nil, fmt.Errorf("image %s: bad base64: %v", shortRef(ref), err)
	}
	return data, nil
}

// shortRef shortens a data URL for messages.
func shortRef(ref string) string {
	if strings.HasPrefix(ref, "data:") {
		if len(ref) > 40 {
			return fmt.Sprintf("%q", ref[:40]+"…")
		}
		return fmt.Sprintf("%q", ref)
	}
	return ref
}
