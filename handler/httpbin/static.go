package httpbin

// The documents of /json, /xml, /html, /robots.txt, /deny and
// /encoding/utf8: the same kinds of document as httpbin's, written here.

const sampleJSON = `{
  "slideshow": {
    "author": "Yours Truly",
    "date": "date of publication",
    "slides": [
      {
        "title": "Wake up to WonderWidgets!",
        "type": "all"
      },
      {
        "items": [
          "Why <em>WonderWidgets</em> are great",
          "Who <em>buys</em> WonderWidgets"
        ],
        "title": "Overview",
        "type": "all"
      }
    ],
    "title": "Sample Slide Show"
  }
}
`

const sampleXML = `<?xml version='1.0' encoding='us-ascii'?>
<!--  A sample set of slides  -->
<slideshow title="Sample Slide Show" date="Date of publication" author="Yours Truly">
    <!-- TITLE SLIDE -->
    <slide type="all">
        <title>Wake up to WonderWidgets!</title>
    </slide>
    <!-- OVERVIEW -->
    <slide type="all">
        <title>Overview</title>
        <item>Why <em>WonderWidgets</em> are great</item>
        <item/>
        <item>Who <em>buys</em> WonderWidgets</item>
    </slide>
</slideshow>
`

const sampleHTML = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Moby-Dick</title>
</head>
<body>
<h1>Herman Melville - Moby-Dick</h1>
<p>Call me Ishmael. Some years ago - never mind how long precisely - having
little or no money in my purse, and nothing particular to interest me on
shore, I thought I would sail about a little and see the watery part of the
world. It is a way I have of driving off the spleen and regulating the
circulation.</p>
</body>
</html>
`

const robotsTxt = "User-agent: *\nDisallow: /deny\n"

const denyText = "YOU SHOULDN'T BE HERE"

const utf8HTML = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>UTF-8 encoded text</title>
</head>
<body>
<h1>UTF-8 encoded text</h1>
<ul>
<li>Greek: Φορτίο, ελληνικά</li>
<li>Cyrillic: Съешь же ещё этих мягких французских булок</li>
<li>Hebrew: עברית</li>
<li>Arabic: العربية</li>
<li>Devanagari: हिन्दी</li>
<li>Chinese: 中文字符</li>
<li>Japanese: 日本語のテキスト</li>
<li>Korean: 한국어</li>
<li>Symbols: € ∑ ∞ ≠ → ✓ ♥</li>
<li>Emoji: 🚀 🐳 🌍</li>
<li>Combining marks: é (e + U+0301), ñ</li>
</ul>
</body>
</html>
`
