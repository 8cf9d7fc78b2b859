package admin_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/fastbase/fastbase/admin"
	"github.com/fastbase/fastbase/engine"
)

// The admin endpoints read a server through admin.Source, which
// *engine.Server implements. admin.Listen serves them on a port of their
// own; NewHandler gives them as an http.Handler to mount elsewhere.
func ExampleNewHandler() {
	srv := &engine.Server{} // a configured server, serving or about to
	h := admin.NewHandler(srv)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 200 ok
}
