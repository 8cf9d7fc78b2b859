// Package examples holds fastbase's built-in handlers that are not httpbin:
// the seed's examples and the TechEmpower plaintext handler, each written on
// package handler's exported API alone, as any application would be.
//
// [Echo], [Threads] and [NotFound] are the seed's examples (Echo answers the
// POST example too, and [Form] is it on its own, with an upload page for
// browsers); [Hello] is the TechEmpower plaintext handler, whose whole path
// does not allocate. cmd/fastbase serves them with -handler echo, form,
// threads, error and hello.
package examples
