package examples

import (
	"errors"
	"io"
	"strconv"

	"github.com/fastbase/fastbase/codec"
	"github.com/fastbase/fastbase/handler"
)

// Form returns the seed's POST example on its own, with a page to try it
// from a browser: GET (and HEAD) answer a small HTML page with an upload
// form (a text field and a file input) that posts to the same URL, and POST
// echoes the form as [Echo] does, with "Content-Type: text/plain;
// charset=utf-8" so that a browser shows it as text.
func Form() *handler.Handler {
	return handler.New().
		Handle("GET", formPage).
		Handle("HEAD", formPage).
		Handle("POST", func(r *handler.Request) { echoForm(r, "text/plain; charset=utf-8") })
}

// FormPageHTML is the page the [Form] handler serves for GET. The form
// posts multipart/form-data to the page's own URL.
const FormPageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fastbase: post a form</title>
</head>
<body>
<h1>Post a form</h1>
<form method="post" enctype="multipart/form-data">
<p><label>Name <input type="text" id="name" name="name" value="dhellmann"></label></p>
<p><label>File <input type="file" id="datafile" name="datafile"></label></p>
<p><button type="submit" id="submit">Upload</button></p>
</form>
</body>
</html>
`

func formPage(r *handler.Request) {
	r.SendResponse(200, "")
	r.SendHeader("Content-Type", "text/html; charset=utf-8")
	r.EndHeaders()
	r.WriteString(FormPageHTML)
}

// echoPost is the seed's PostHandler.do_POST.
func echoPost(r *handler.Request) { echoForm(r, "") }

// echoForm answers a POST as the seed's PostHandler does:
//
//	Client: ('127.0.0.1', 60900)
//	Path: /
//	Form data:
//		Uploaded datafile (1400 bytes)
//		foo=bar
//		name=dhellmann
//
// with one tab-indented line per field, "name=value" or "Uploaded name (N
// bytes)" for a part with a non-empty filename, in the order posted (Python
// lists them in hash order and fails on a repeated name). A body that is not
// a form is reported as "Body: type (N bytes)" where Python failed without
// an answer, and a malformed form gets the error page its [codec.Error]
// describes. A Content-Type of "" sends none, as the seed does.
func echoForm(r *handler.Request, contentType string) {
	fields, err := r.Form()
	if err != nil && err != handler.ErrNotForm {
		var e *codec.Error
		if errors.As(err, &e) {
			r.SendError(e.Status, e.Message, e.Explain)
		} else {
			r.SendError(500, "", "The request body could not be read.")
		}
		return
	}
	r.SendResponse(200, "")
	if contentType != "" {
		r.SendHeader("Content-Type", contentType)
	}
	r.EndHeaders()
	b := make([]byte, 0, 256)
	b = append(b, "Client: "...)
	b = appendPyAddress(b, r.ClientAddress())
	b = append(b, "\nPath: "...)
	b = appendLatin1String(b, r.Path())
	b = append(b, '\n')
	if err == handler.ErrNotForm {
		b = append(b, "Body: "...)
		b = append(b, r.Parsed().Header("content-type")...)
		b = append(b, " ("...)
		b = strconv.AppendInt(b, r.BodyLength(), 10)
		b = append(b, " bytes)\n"...)
		r.Write(b)
		return
	}
	b = append(b, "Form data:\n"...)
	for i := range fields {
		b = appendFieldLine(r, b, &fields[i])
	}
	r.Write(b)
}

// appendFieldLine appends one field's line of the echo; a text value held
// in a file is copied to the response from there.
func appendFieldLine(r *handler.Request, b []byte, f *handler.Field) []byte {
	b = append(b, '\t')
	if len(f.Filename) > 0 {
		b = append(b, "Uploaded "...)
		b = append(b, f.Name...)
		b = append(b, " ("...)
		b = strconv.AppendInt(b, f.Size, 10)
		return append(b, " bytes)\n"...)
	}
	b = append(b, f.Name...)
	b = append(b, '=')
	if f.InMemory() {
		b = append(b, f.Value...)
		return append(b, '\n')
	}
	r.Write(b)
	_, _ = io.Copy(r, f.Open())
	return append(b[:0], '\n')
}
