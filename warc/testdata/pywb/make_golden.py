"""Regenerates the pywb golden data used by the Go tests in package warc.

Run from /work/main with the venv described in warc/testdata/pywb/README.md:
    .cache/venv/bin/python warc/testdata/pywb/make_golden.py

It writes small WARC files with warcio, indexes them with pywb's own
collection tooling (wb-manager add), and records what python `surt` (through
pywb's canonicalizer) makes of a list of tricky URLs. The Go tests then
compare against these files without needing Python.
"""
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import quote

from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders
from pywb.utils.canonicalize import canonicalize

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)
VENV_BIN = os.path.dirname(sys.executable)

# Tricky URLs for the SURT golden set. Each is fed to pywb's canonicalizer,
# which is what its indexer uses for the CDXJ key.
SURT_URLS = [
    "http://www.example.com/",
    "http://example.com",
    "https://example.com/",
    "http://Example.COM/Path/Page.HTML",
    "HTTP://EXAMPLE.COM/",
    "http://www.example.com:80/",
    "https://www.example.com:443/a",
    "http://example.com:443/",
    "https://example.com:80/",
    "http://example.com:8080/a",
    "https://example.com:8443/",
    "http://EXAMPLE.com:/",
    "https://example.com:0/",
    "http://example.com:0080/",
    "http://example.com:65536/",
    "http://example.com:abc/",
    "http://example.com/?b=2&a=1",
    "http://example.com/path?B=2&a=1&c",
    "http://example.com/path?a=2&a=1",
    "http://example.com/path?a=1&a",
    "http://example.com/?a&a=",
    "http://example.com/?=x",
    "http://example.com/?&&a=1&",
    "http://example.com/path?",
    "http://example.com/path/?",
    "http://example.com/path/",
    "http://example.com//a//b/",
    "http://example.com/a/./b/../c",
    "http://example.com/../a",
    "http://example.com/a/b/../../..",
    "http://example.com/a/%2E%2E/b",
    "http://example.com/%7Euser/%41bc",
    "http://example.com/~user",
    "http://example.com/a%2fb",
    "http://example.com/a%252fb",
    "http://example.com/caf%C3%A9",
    "http://example.com/caf%c3%a9",
    "http://example.com/p\u00e4iv\u00e4?q=\u00e4",
    "http://example.com/a b",
    "http://example.com/a\tb",
    "  http://example.com/  ",
    "http://example.com/%",
    "http://example.com/%zz",
    "http://example.com/%25",
    "http://example.com/a%00b",
    "http://example.com/a;b=c/d",
    "http://example.com/#frag",
    "http://example.com/page#frag",
    "http://example.com/page?x=1#frag",
    "http://example.com/a?b#c?d",
    "http://example.com/?a=%20b&c=%7e",
    "http://example.com/?q=a+b",
    "http://example.com/?q=%2B",
    "http://example.com/?q=%26&a=1",
    "http://example.com/?q=%23",
    "http://example.com/index.html?utm_source=x&Utm_Medium=Y",
    "http://192.168.1.1/",
    "http://192.168.1.1:8080/x",
    "http://3232235777/",
    "http://4294967297/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://0.1.2.3/",
    "http://01.2.3.4/",
    "http://1.2.3/",
    "http://1.2/",
    "http://1.02.3.4/",
    "http://1.08.3.4/",
    "http://999.1.1.1/",
    "http://1.2.3.4.5/",
    "http://1.2.3.256/",
    "http://1.65536/",
    "http://[::1]:8080/",
    "http://[2001:DB8::1]/",
    "http://user:pass@example.com/",
    "http://user@Example.com:81/",
    "http://www2.example.com/",
    "http://www.www.example.com/",
    "http://wwwexample.com/",
    "http://www.example.co.uk/",
    "http://WWW.Example.com/",
    "http://example.com./",
    "http://example..com/",
    "http://.example.com/",
    "http://ex%61mple.com/",
    "http://ex%2561mple.com/",
    "http://m\u00fcnchen.de/",
    "http://M\u00dcNCHEN.de/",
    "http://xn--mnchen-3ya.de/",
    "http://stra\u00dfe.de/",
    "http://\u4f8b\u3048.jp/",
    "http://localhost/",
    "http://localhost:3000/",
    "http://-example.com/",
    "http://_sub.example.com/",
    "http://https://example.com/",
    "http://http://example.com/x",
    "http:////example.com/a",
    "http:///",
    "example.com/path",
    "www.example.com",
    "ftp://ftp.example.com/pub/file",
    "mailto:someone@example.com",
    "urn:uuid:1234",
    "dns:example.com",
    "filedesc://foo",
    "http://example.com/?jsessionid=0123456789abcdef0123456789abcdef&x=1",
    "http://example.com/?x=1&jsessionid=0123456789abcdef0123456789abcdef",
    "http://example.com/?PHPSESSID=0123456789abcdef0123456789abcdef",
    "http://example.com/?sid=0123456789abcdef0123456789abcdef&z=2",
    "http://example.com/?ASPSESSIONIDABCDEFGH=ABCDEFGHIJKLMNOPQRSTUVWX",
    "http://example.com/?cfid=1&cftoken=2&z=1",
    "http://example.com/x/(a(0123456789abcdefghijklmn))/page.aspx",
    "http://example.com/x/(0123456789abcdefghijklmn)/page.aspx?q=1",
    "https://news.example.fi/2024/05/06/uutinen-123.html?ref=rss",
    "http://example.com/search?q=%C3%A4&lang=fi&Page=2",
    "http://example.com/a%20b%2Bc",
    "http://0.0.0.400/",
    "http://0.400/",
    "http://00.0.0.1/",
    "http://0.99999999999/",
    "http://99999999999.1/",
    "http://0/",
    "http://a..\u00fc.de/",
    "http://\u2603.net/",
    "http://xn--\u00fc.de/",
    "http://EX%C3%9CMPLE.de/",
    "http://[fe80::1%25eth0]/",
    "http://example.com/a%2e%2e/b",
    "http:example.com/a",
    "https:/example.com/a",
    "http://example.com?a=1",
    "http://WWW7.example.com/",
    "http://www.example.com..:80/",
    "http://%77ww.example.com/",
    "http://example.com/%E4%F6",
    "http://example.com/\u00e4\u00f6/%C3%A4?%E4=1",
    "http://Example.com/Caf%C3%A9/?Q=%C3%84",
    "http://example.com/?q=%25%32%35",
    "http://example.com/a/b/c/./../../g",
    "http://example.com/a/.b/c..",
]


def sha1_b32(data):
    return 'sha1:' + base64.b32encode(hashlib.sha1(data).digest()).decode('ascii')


def dechunk(body):
    out = b''
    while True:
        line, _, body = body.partition(b'\r\n')
        size = int(line.split(b';')[0], 16)
        if size == 0:
            return out
        out += body[:size]
        body = body[size + 2:]


def payload_of(http_bytes):
    head, _, body = http_bytes.partition(b'\r\n\r\n')
    if b'transfer-encoding: chunked' in head.lower():
        body = dechunk(body)
    return body


class Builder(object):
    """Writes records with fixed ids and dates so reruns give the same bytes."""

    def __init__(self, fh, gzip):
        self.writer = WARCWriter(fh, gzip=gzip, warc_version='1.1')
        self.n = 0

    def next_id(self):
        self.n += 1
        return '<urn:uuid:00000000-0000-4000-8000-%012d>' % self.n

    def date(self, fraction=''):
        return '2024-05-06T07:08:%02d%sZ' % (self.n % 60, fraction)

    def write(self, uri, rec_type, block, content_type, extra=None, fraction=''):
        rid = self.next_id()
        headers = {'WARC-Record-ID': rid, 'WARC-Date': self.date(fraction)}
        if rec_type in ('response', 'request', 'resource'):
            if content_type.startswith('application/http'):
                headers['WARC-Payload-Digest'] = sha1_b32(payload_of(block))
            else:
                headers['WARC-Payload-Digest'] = sha1_b32(block)
        headers.update(extra or {})
        rec = self.writer.create_warc_record(
            uri, rec_type, payload=io.BytesIO(block), length=len(block),
            warc_content_type=content_type, warc_headers_dict=headers)
        self.writer.write_record(rec)
        return rid

    def pair(self, uri, method, response, request_body=b'', fraction=''):
        path = uri.split('/', 3)[3] if uri.count('/') >= 3 else ''
        host = uri.split('/')[2]
        # a client sends the path percent-encoded and the host in punycode
        path = quote(path, safe="/?=&%;:@!$'()*+,~#")
        host = host.encode('idna').decode('ascii')
        req = ('%s /%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: arkisto-test\r\n'
               % (method, path, host)).encode('ascii')
        if request_body:
            req += b'Content-Type: application/x-www-form-urlencoded\r\n'
            req += b'Content-Length: %d\r\n' % len(request_body)
        req += b'\r\n' + request_body
        req_id = self.write(uri, 'request', req, 'application/http; msgtype=request')
        self.write(uri, 'response', response, 'application/http; msgtype=response',
                   {'WARC-Concurrent-To': req_id}, fraction=fraction)
        return req_id


def http_response(status, headers, body):
    head = 'HTTP/1.1 %s\r\n' % status
    for name, value in headers:
        head += '%s: %s\r\n' % (name, value)
    return head.encode('utf-8') + b'\r\n' + body


def html(status='200 OK', ctype='text/html; charset=utf-8', body=b'<html>hi</html>'):
    headers = [('Content-Length', str(len(body)))]
    if ctype is not None:
        headers.insert(0, ('Content-Type', ctype))
    return http_response(status, headers, body)


def write_gz(path):
    with open(path, 'wb') as fh:
        b = Builder(fh, gzip=True)
        b.write(None, 'warcinfo', b'software: warcio\r\nformat: WARC File Format 1.1\r\n',
                'application/warc-fields', {'WARC-Filename': 'pywb-a.warc.gz'})
        urls = [
            'http://www.example.com/',
            'https://example.com/news/2024/05/06/story.html',
            'http://Example.COM/Path/Page.HTML',
            'http://example.com:8080/a',
            'http://example.com/search?b=2&a=1&C=3',
            'http://example.com/path/',
            'http://192.168.1.1:8080/x',
            'http://example.com/caf%C3%A9?q=%7e',
            'http://example.com/p\u00e4iv\u00e4',
            'http://m\u00fcnchen.de/',
            'https://www.example.com:443/a?utm_source=x#frag',
            'http://example.com/?jsessionid=0123456789abcdef0123456789abcdef&x=1',
        ]
        for url in urls:
            b.pair(url, 'GET', html())
        chunked = http_response('200 OK', [('Content-Type', 'text/plain'),
                                           ('Transfer-Encoding', 'chunked')],
                                b'5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n')
        b.pair('http://example.com/chunked', 'GET', chunked)
        b.pair('http://example.com/missing', 'GET',
               html('404 Not Found', 'text/html', b'gone'))
        b.pair('http://example.com/noctype', 'GET', html(ctype=None, body=b'x'))
        b.pair('http://example.com/json', 'GET',
               html(ctype='application/json ;charset=utf-8', body=b'{}'))
        b.pair('http://example.com/moved', 'GET',
               http_response('301 Moved Permanently',
                             [('Location', 'http://example.com/new'),
                              ('Content-Length', '0')], b''))
        b.pair('http://example.com/fraction', 'GET', html(), fraction='.123456')
        b.pair('http://example.com/head', 'HEAD',
               http_response('200 OK', [('Content-Type', 'text/html'),
                                        ('Content-Length', '1234')], b''))
        b.pair('http://example.com/head?x=1', 'HEAD',
               http_response('200 OK', [('Content-Type', 'text/html')], b''))
        b.pair('http://example.com/post', 'POST', html(body=b'ok'))
        # revisit of the first capture, with its own request
        req_id = b.write('http://www.example.com/', 'request',
                         b'GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n',
                         'application/http; msgtype=request')
        b.write('http://www.example.com/', 'revisit',
                http_response('200 OK', [('Content-Type', 'text/html; charset=utf-8'),
                                         ('Content-Length', '15')], b''),
                'application/http; msgtype=response',
                {'WARC-Concurrent-To': req_id,
                 'WARC-Profile': 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest',
                 'WARC-Refers-To-Target-URI': 'http://www.example.com/',
                 'WARC-Refers-To-Date': '2024-05-06T07:08:03Z',
                 'WARC-Payload-Digest': sha1_b32(b'<html>hi</html>')})
        b.write('http://example.com/screenshot.png', 'resource', b'\x89PNG fake',
                'image/png')
        b.write('http://example.com/', 'metadata', b'outlink: http://example.com/a\r\n',
                'application/warc-fields')


def write_plain(path):
    with open(path, 'wb') as fh:
        b = Builder(fh, gzip=False)
        b.n = 100
        b.write(None, 'warcinfo', b'software: warcio\r\n', 'application/warc-fields',
                {'WARC-Filename': 'pywb-b.warc'})
        b.pair('http://www.example.org/index.html', 'GET', html(body=b'plain file'))
        b.write('http://www.example.org/notes.txt', 'resource', b'some notes',
                'text/plain; charset=utf-8')
        b.write('http://www.example.org/index.html', 'revisit', b'', 'application/http; msgtype=response',
                {'WARC-Profile': 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest',
                 'WARC-Refers-To-Target-URI': 'http://www.example.org/index.html',
                 'WARC-Refers-To-Date': '2024-05-06T07:08:42Z',
                 'WARC-Payload-Digest': sha1_b32(b'plain file')})


def surt_golden(path):
    with open(path, 'w') as out:
        for url in SURT_URLS:
            try:
                key = canonicalize(url)
                out.write(json.dumps({'url': url, 'surt': key}) + '\n')
            except Exception as e:
                out.write(json.dumps({'url': url, 'error': type(e).__name__}) + '\n')


def main():
    warcs = [os.path.join(HERE, 'pywb-a.warc.gz'), os.path.join(HERE, 'pywb-b.warc')]
    write_gz(warcs[0])
    write_plain(warcs[1])
    scratch = tempfile.mkdtemp()
    try:
        manager = os.path.join(VENV_BIN, 'wb-manager')
        subprocess.check_call([manager, 'init', 'golden'], cwd=scratch)
        subprocess.check_call([manager, 'add', 'golden'] + warcs, cwd=scratch)
        shutil.copy(os.path.join(scratch, 'collections', 'golden', 'indexes', 'index.cdxj'),
                    os.path.join(HERE, 'index.cdxj'))
    finally:
        shutil.rmtree(scratch)
    surt_golden(os.path.join(TESTDATA, 'surt_golden.jsonl'))


if __name__ == '__main__':
    main()
