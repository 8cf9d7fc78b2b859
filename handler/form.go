package handler

import (
	"errors"
	"io"
	"os"

	"github.com/fastbase/fastbase/codec"
)

// Defaults of [FormConfig].
const (
	// DefaultFormSpillBytes is the size above which a part's data leaves
	// memory: 1 MiB.
	DefaultFormSpillBytes = 1 << 20
	// DefaultFormMemoryBytes bounds the form data held in memory for one
	// request: 10 MiB, net/http's bound for urlencoded bodies.
	DefaultFormMemoryBytes = 10 << 20
)

// FormConfig bounds and places what [Request.Form] decodes. Zero fields mean
// the defaults.
type FormConfig struct {
	// Limits bounds the form: fields or parts (400 above it), the header
	// block of a part (431), the whole body (413). See [codec.FormLimits].
	Limits codec.FormLimits
	// SpillBytes is the largest part kept in memory when the form has to
	// copy it (the body is not one whole buffer in memory); a bigger part
	// goes to a temporary file as it streams in, or, when the server
	// spooled the body to a file, is read from that file where it lies.
	// Default [DefaultFormSpillBytes].
	SpillBytes int64
	// MemoryBytes bounds the form data copied into memory for one request.
	// Parts that would pass it spill as if they were over SpillBytes; an
	// urlencoded body longer than it is refused with 413, as its fields
	// must all be in memory. Default [DefaultFormMemoryBytes].
	MemoryBytes int64
	// TempDir is where spilled parts go; empty means [os.TempDir]. The
	// files are removed as soon as they are created, so none is left behind
	// even if the process dies; each stays open until the request ends.
	TempDir string
}

func (c *FormConfig) spillBytes() int64 {
	if c.SpillBytes > 0 {
		return c.SpillBytes
	}
	return DefaultFormSpillBytes
}

func (c *FormConfig) memoryBytes() int64 {
	if c.MemoryBytes > 0 {
		return c.MemoryBytes
	}
	return DefaultFormMemoryBytes
}

// ErrNotForm is returned by [Request.Form] for a body whose Content-Type is
// neither application/x-www-form-urlencoded nor multipart/form-data. It is
// a [codec.Error] with status 415, for handlers that refuse such bodies.
var ErrNotForm = &codec.Error{Status: 415, Message: "Not a form",
	Explain: "the request body is neither application/x-www-form-urlencoded nor multipart/form-data"}

// Field is one field of a posted form: a name=value pair of an urlencoded
// body or a part of a multipart one. Its slices are views that are valid
// until the handler returns; copy what must be kept.
type Field struct {
	// Name is the field's name, decoded.
	Name []byte
	// Value is the field's data when it is held in memory (see
	// [Field.InMemory]); nil otherwise. For an urlencoded field it is
	// decoded.
	Value []byte
	// Filename is the part's filename (from filename* when the part had
	// one), empty when there is none; see [Field.IsFile].
	Filename []byte
	// ContentType is the part's Content-Type as sent; empty when it had
	// none (which means text/plain) and for urlencoded fields.
	ContentType []byte
	// Size is the length of the field's data in bytes.
	Size int64

	isFile bool
	file   *os.File // the data's file when not in memory
	offset int64    // where the data starts in file
}

// IsFile reports whether the field is a file upload: a part with a filename
// parameter, even an empty one (a file input left empty).
func (f *Field) IsFile() bool { return f.isFile }

// InMemory reports whether the field's data is in Value. A part too big to
// hold is in a file; read it with [Field.Open].
func (f *Field) InMemory() bool { return f.file == nil }

// Open returns a reader of the field's data, wherever it is held. Each call
// returns a new reader from the first byte. It reads a file that is closed
// when the request ends: use it only before the handler returns.
func (f *Field) Open() *io.SectionReader {
	if f.file != nil {
		return io.NewSectionReader(f.file, f.offset, f.Size)
	}
	return io.NewSectionReader(bytesReaderAt(f.Value), 0, f.Size)
}

// bytesReaderAt reads a byte slice at offsets.
type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Form decodes the request body as a form and returns its fields in the
// order they were posted, repeated names kept. It is what cgi.FieldStorage
// was to the seed's POST handler, without its surprises: order is the
// client's, a repeated name is two fields, blank values are kept, and the
// URL's query is not merged in (cgi.FieldStorage given the request's
// headers did not merge it either; use [codec.URLEncodedScanner] on
// Parsed().Query for it).
//
// The body is decoded as application/x-www-form-urlencoded (also when the
// request has no Content-Type, as cgi did) or multipart/form-data; other
// types give [ErrNotForm]. The first call decodes, later calls return the
// same result. Parts of a body the server holds in memory are views into
// it, never copied; parts of a spooled or streamed body are copied into
// memory up to the [FormConfig] of the [Handler], and bigger ones are read
// from the spooled file in place or spilled to temporary files.
//
// A form the client got wrong is a [*codec.Error] with the status to answer
// with (400 malformed, 413 too large, 431 part header too long) and a
// message that says what is wrong: pass it to [Request.SendError]. A part
// that cannot be spilled to a temporary file is a [*codec.Error] too, 507 or
// 503 (see [codec.StorageError]): the server's fault, not the client's.
// Other errors come from reading a spooled or streamed body.
//
// The fields and their files are released when the request ends (see
// [Exchange.Release]).
func (r *Request) Form() ([]Field, error) {
	fs := &r.extras().form
	if !fs.done {
		fs.done = true
		fs.err = fs.decode(r)
		if fs.err != nil {
			fs.closeFiles()
		}
	}
	if fs.err != nil {
		return nil, fs.err
	}
	return fs.fields, nil
}

// FormValue returns a copy of the value of the first field named name that
// is held in memory, or "" when there is none or the form does not decode.
func (r *Request) FormValue(name string) string {
	fields, _ := r.Form()
	for i := range fields {
		if string(fields[i].Name) == name && fields[i].InMemory() {
			return string(fields[i].Value)
		}
	}
	return ""
}

// release closes and removes the temporary files of the request's form and
// drops its fields (see [Exchange.Release]).
func (r *Request) release() {
	if r.spare != nil {
		r.spare.form.release()
	}
}

// formState is a form being decoded or decoded, kept in a Request's extras
// so that its buffers are reused from one request to the next.
type formState struct {
	done   bool
	err    error
	fields []Field

	recs   []fieldRec
	arena  []byte      // names, filenames, content types; values copied
	stable []byte      // an in-memory body that fields may point into
	source *os.File    // a spooled body that big parts may point into
	cfg    *FormConfig // the Handler's
	files  []*os.File  // temporary files, already removed
	names  []string    // temporary files that could not be removed at once

	mp     codec.MultipartParser
	us     codec.URLEncodedScanner
	window []byte // what a spooled or streamed multipart body is read into
	text   []byte // a spooled or streamed urlencoded body
}

// fieldRec is a Field while the form is decoded: offsets instead of slices,
// because the arena may move as it grows.
type fieldRec struct {
	name, filename, ctype, value loc
	isFile                       bool
	size                         int64
	file                         *os.File
	offset                       int64
}

// loc is where some bytes of a field are: in the arena, or in the stable
// body.
type loc struct {
	off, n int
	stable bool
}

// maxKeptBuffer bounds the buffers a Request keeps for the next request;
// bigger ones were for an unusual request and are let go.
const maxKeptBuffer = 1 << 20

func (fs *formState) release() {
	if !fs.done {
		// No form was decoded since the last release: nothing to free,
		// which is every request of a handler that reads bodies but no
		// forms.
		return
	}
	fs.closeFiles()
	clear(fs.fields) // no views of this body or its files outlive it
	fs.fields, fs.recs = fs.fields[:0], fs.recs[:0]
	fs.done, fs.err, fs.stable, fs.source, fs.cfg = false, nil, nil, nil, nil
	fs.arena = keepBuffer(fs.arena)
	fs.window = keepBuffer(fs.window)
	fs.text = keepBuffer(fs.text)
}

func keepBuffer(b []byte) []byte {
	if cap(b) > maxKeptBuffer {
		return nil
	}
	return b[:0]
}

func (fs *formState) closeFiles() {
	for _, f := range fs.files {
		_ = f.Close()
	}
	for _, name := range fs.names {
		_ = os.Remove(name)
	}
	clear(fs.files)
	fs.files, fs.names = fs.files[:0], fs.names[:0]
}

// decode decodes r's body into fs.fields.
func (fs *formState) decode(r *Request) error {
	fs.cfg = &r.h.Forms
	contentType := r.req.Header("content-type")
	typ, boundary, err := codec.ParseFormType(contentType)
	if len(contentType) == 0 {
		typ = codec.URLEncoded
	}
	switch {
	case typ == codec.NotAForm:
		return ErrNotForm
	case err != nil:
		return err
	}
	size := r.BodyLength()
	if limit := fs.cfg.Limits.MaxBytes; limit > 0 && size > limit {
		return formTooLarge(limit)
	}
	if typ == codec.URLEncoded {
		err = fs.urlencoded(r, size)
	} else {
		err = fs.multipart(r, boundary, size)
	}
	if err != nil {
		return err
	}
	fs.materialize()
	return nil
}

func formTooLarge(limit int64) *codec.Error {
	return &codec.Error{Status: 413, Message: "Form too large",
		Explain: "the form has more than " + formatInt(limit) + " bytes"}
}

// urlencoded decodes an urlencoded body, which must be in memory whole.
func (fs *formState) urlencoded(r *Request, size int64) error {
	if limit := fs.cfg.memoryBytes(); size > limit {
		return formTooLarge(limit)
	}
	data := r.body
	if r.bodyFile != nil || r.bodyStream != nil {
		if int64(cap(fs.text)) < size {
			fs.text = make([]byte, size)
		}
		fs.text = fs.text[:size]
		if _, err := io.ReadFull(r.BodyReader(), fs.text); err != nil {
			return bodyReadError(err)
		}
		data = fs.text
	}
	fs.us.Limits = fs.cfg.Limits
	fs.us.Reset(data)
	for fs.us.Next() {
		fs.recs = append(fs.recs, fieldRec{
			name:  fs.keep(fs.us.Name()),
			value: fs.keep(fs.us.Value()),
			size:  int64(len(fs.us.Value())),
		})
	}
	return fs.us.Err()
}

// bodyReadError turns a failed read of a spooled or streamed body into an
// error: a body that ends early is the client's doing.
func bodyReadError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &codec.Error{Status: 400, Message: "Incomplete request body",
			Explain: "the body ended before its Content-Length"}
	}
	return err
}

// keep copies b into the arena.
func (fs *formState) keep(b []byte) loc {
	l := loc{off: len(fs.arena), n: len(b)}
	fs.arena = append(fs.arena, b...)
	return l
}

func (fs *formState) bytes(l loc) []byte {
	if l.stable {
		return fs.stable[l.off : l.off+l.n : l.off+l.n]
	}
	return fs.arena[l.off : l.off+l.n : l.off+l.n]
}

// materialize turns the records into fields, now that the arena has stopped
// moving.
func (fs *formState) materialize() {
	for i := range fs.recs {
		rec := &fs.recs[i]
		f := Field{
			Name:        fs.bytes(rec.name),
			Filename:    fs.bytes(rec.filename),
			ContentType: fs.bytes(rec.ctype),
			Size:        rec.size,
			isFile:      rec.isFile,
			file:        rec.file,
			offset:      rec.offset,
		}
		if rec.file == nil {
			f.Value = fs.bytes(rec.value)
		}
		fs.fields = append(fs.fields, f)
	}
}

// multipart decodes a multipart body: at once when it is in memory, in
// windows read from its file or stream otherwise.
func (fs *formState) multipart(r *Request, boundary []byte, size int64) error {
	fs.mp.Limits = fs.cfg.Limits
	if err := fs.mp.Reset(boundary); err != nil {
		return err
	}
	if r.bodyFile == nil && r.bodyStream == nil {
		fs.stable = r.body
		_, err := fs.feed(r.body, true, 0)
		return endIsSuccess(err)
	}
	fs.source = r.bodyFile
	return fs.readMultipart(r.BodyReader(), size)
}

// errFormEnd stops feed at the closing boundary.
var errFormEnd = errors.New("handler: end of form")

func endIsSuccess(err error) error {
	if err == errFormEnd {
		return nil
	}
	return err
}

// windowSize is how much of a spooled or streamed body is read at a time.
const windowSize = 64 << 10

// readMultipart reads the body from rd in windows and feeds them to the
// parser, keeping only what the parser has not consumed.
func (fs *formState) readMultipart(rd io.Reader, size int64) error {
	// The window must hold the longest header block the parser may ask
	// for whole, plus a boundary line.
	need := max(windowSize, fs.cfg.Limits.MaxPartHeaderBytes+256, codec.DefaultMaxPartHeaderBytes+256)
	if cap(fs.window) < need {
		fs.window = make([]byte, 0, need)
	}
	win := fs.window[:0]
	var base, read int64 // body offsets of win[0] and of the end of win
	for {
		n, err := rd.Read(win[len(win):cap(win)])
		win = win[:len(win)+n]
		read += int64(n)
		if err != nil && err != io.EOF {
			return bodyReadError(err)
		}
		atEOF := read >= size
		if err == io.EOF && !atEOF {
			return bodyReadError(io.ErrUnexpectedEOF)
		}
		consumed, ferr := fs.feed(win, atEOF, base)
		if ferr != nil {
			return endIsSuccess(ferr)
		}
		win = win[:copy(win, win[consumed:])]
		base += int64(consumed)
		if len(win) == cap(win) {
			// Cannot happen while the window outsizes the parser's limits.
			return errors.New("handler: multipart window full")
		}
	}
}

// feed runs the parser over buf, whose first byte is at offset base in the
// body, and returns how many bytes it consumed; errFormEnd after the
// closing boundary.
func (fs *formState) feed(buf []byte, atEOF bool, base int64) (int, error) {
	off := 0
	for {
		ev, n, err := fs.mp.Next(buf[off:], atEOF)
		if err == codec.ErrNeedMore {
			return off, nil
		}
		if err != nil {
			return off, err
		}
		switch ev {
		case codec.MultipartPart:
			fs.beginPart(fs.mp.Part())
		case codec.MultipartData:
			if err := fs.addData(buf[off:off+n], base+int64(off)); err != nil {
				return off, err
			}
		case codec.MultipartEnd:
			return off + n, errFormEnd
		}
		off += n
	}
}

func (fs *formState) beginPart(p *codec.Part) {
	fs.recs = append(fs.recs, fieldRec{
		name:     fs.keep(p.Name),
		filename: fs.keep(p.Filename),
		ctype:    fs.keep(p.ContentType),
		isFile:   p.HasFilename,
	})
}

// addData adds data of the current part, found at offset at in the body.
// The part's data is contiguous in the body, so a view of an in-memory body
// or a place in a spooled one only grows; copies go to the arena until the
// part is too big, then to a temporary file.
func (fs *formState) addData(data []byte, at int64) error {
	rec := &fs.recs[len(fs.recs)-1]
	before := rec.size
	rec.size += int64(len(data))
	switch {
	case rec.file != nil:
		if rec.file == fs.source {
			return nil
		}
		_, err := rec.file.Write(data)
		return err
	case fs.stable != nil:
		if before == 0 {
			rec.value = loc{off: int(at), stable: true}
		}
		rec.value.n += len(data)
		return nil
	case rec.size > fs.cfg.spillBytes() || int64(len(fs.arena)+len(data)) > fs.cfg.memoryBytes():
		return fs.spill(rec, data, at-before)
	}
	if before == 0 {
		rec.value = loc{off: len(fs.arena)}
	}
	rec.value.n += len(data)
	fs.arena = append(fs.arena, data...)
	return nil
}

// spill moves the current part out of memory: to where it lies in the
// spooled body, or to a new temporary file. start is the body offset of the
// part's first data byte.
func (fs *formState) spill(rec *fieldRec, data []byte, start int64) error {
	held := fs.arena[rec.value.off : rec.value.off+rec.value.n]
	fs.arena = fs.arena[:len(fs.arena)-len(held)]
	rec.value = loc{}
	if fs.source != nil {
		rec.file, rec.offset = fs.source, start
		return nil
	}
	f, err := fs.tempFile()
	if err != nil {
		return err
	}
	rec.file = f
	if _, err := f.Write(held); err != nil {
		return codec.StorageError(err)
	}
	if _, err := f.Write(data); err != nil {
		return codec.StorageError(err)
	}
	return nil
}

// tempFile creates a temporary file and removes its name at once, so that
// nothing is left behind whatever happens to the request or the process.
// Where a file cannot be removed while open, it is removed at Release.
func (fs *formState) tempFile() (*os.File, error) {
	f, err := os.CreateTemp(fs.cfg.TempDir, "fastbase-form-*")
	if err != nil {
		return nil, codec.StorageError(err)
	}
	fs.files = append(fs.files, f)
	if os.Remove(f.Name()) != nil {
		fs.names = append(fs.names, f.Name())
	}
	return f, nil
}

// formatInt formats n in decimal; error paths only.
func formatInt(n int64) string {
	var b [20]byte
	return string(codec.AppendUint(b[:0], uint64(n)))
}
