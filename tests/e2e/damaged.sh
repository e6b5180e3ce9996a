#!/usr/bin/env bash
# End-to-end: damaged inputs lose only what is damaged (docs/reliability.md). Files are made
# with the gzip and zstd tools and broken by byte surgery; every count is exact.
#   - a corrupt middle gzip member / zstd frame of three: the other two are read, the error
#     names the file and the byte range, the summary counts the unreadable bytes
#   - a member whose CRC fails: none of its records are kept
#   - garbage between and after members, zero-length members, a truncated last member,
#     a wholly damaged file, a damaged stream on a pipe
#   - an unbalanced CSV quote costs its own row only
#   - a numeric id beyond 2^64 next to a valid id_str keeps the record
#   - seconds vs milliseconds by field, never by size; times outside 1990..2100 refused
#   - \u0000 in a text becomes U+FFFD and the text goes on
. "$(dirname "$0")/lib.sh"
# Debian's interpreter: it starts fast (a python3 earlier on PATH may be a slow shim)
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
python3() { "$PY" "$@"; }

# posts PREFIX N: N chorus-format posts with ids PREFIX1..PREFIXN, one per line
posts() {
  python3 - "$1" "$2" <<'PY'
import sys
p, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    print('{"id":"%s%d","author":"user%d","created_at":%d,"text":"post %d of %s, with some words"}'
          % (p, i, i % 13, 1600000000 + i, i, p))
PY
}
size() { stat -c %s "$1"; }
# flip FILE OFFSET [XOR]: xors one byte in place
flip() {
  python3 - "$1" "$2" "${3:-255}" <<'PY'
import sys
path, at, x = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(path, 'rb').read()); b[at] ^= x; open(path, 'wb').write(bytes(b))
PY
}
# smash FILE FROM TO: overwrites bytes [FROM, TO) with 0x55
smash() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, a, z = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(path, 'rb').read()); b[a:z] = b'\x55' * (z - a); open(path, 'wb').write(bytes(b))
PY
}

posts a 120 > "$TMP/a.jsonl"
posts b 250 > "$TMP/b.jsonl"
posts c 325 > "$TMP/c.jsonl"
for x in a b c; do
  gzip -c "$TMP/$x.jsonl" > "$TMP/$x.gz"
  zstd -q -c "$TMP/$x.jsonl" > "$TMP/$x.zst"
done
ga=$(size "$TMP/a.gz"); gb=$(size "$TMP/b.gz")
za=$(size "$TMP/a.zst"); zb=$(size "$TMP/b.zst")

# --- intact: 695 posts from three members
cat "$TMP/a.gz" "$TMP/b.gz" "$TMP/c.gz" > "$TMP/abc.jsonl.gz"
j=$("$CHORUS" ingest --json "$TMP/abc.jsonl.gz"); eq "three gzip members exit" $? 0
eq "three gzip members posts" "$(jget "$j" posts)" 695
eq "three gzip members unreadable" "$(jget "$j" unreadable_bytes)" 0

# --- the middle member's deflate data smashed: 120 + 325 kept, one corrupt member
cp "$TMP/abc.jsonl.gz" "$TMP/mid.jsonl.gz"
smash "$TMP/mid.jsonl.gz" $((ga + gb / 2)) $((ga + gb / 2 + 40))
j=$("$CHORUS" ingest --json "$TMP/mid.jsonl.gz" 2>"$TMP/err"); eq "corrupt middle member exit" $? 0
eq "corrupt middle member posts" "$(jget "$j" posts)" 445
eq "corrupt middle member errors" "$(jget "$j" errors)" 1
eq "corrupt middle member unreadable bytes" "$(jget "$j" unreadable_bytes)" "$gb"
check "error names file and byte range" \
  grep -q "chorus: $TMP/mid.jsonl.gz: bytes $ga..$((ga + gb)): " "$TMP/err"
check "no record of the damaged member parsed" test "$(grep -c 'malformed' "$TMP/err")" -eq 0
out=$("$CHORUS" ingest "$TMP/mid.jsonl.gz" 2>/dev/null)
check "text summary says unreadable bytes" \
  grep -q "unreadable  $(python3 -c "print(format($gb, ','))") bytes" <<<"$out"

# --- only its CRC is wrong: its records are not kept
cp "$TMP/abc.jsonl.gz" "$TMP/crc.jsonl.gz"
flip "$TMP/crc.jsonl.gz" $((ga + gb - 8)) 1
j=$("$CHORUS" ingest --json "$TMP/crc.jsonl.gz" 2>"$TMP/err")
eq "bad crc posts" "$(jget "$j" posts)" 445
eq "bad crc reason" "$(jget "$j" errors_by_reason.bad_checksum)" 1
check "bad crc message" grep -q "bytes $ga..$((ga + gb)): gzip member fails its check" "$TMP/err"

# --- the same from a pipe (no seeking back)
j=$(cat "$TMP/crc.jsonl.gz" | "$CHORUS" ingest --json - 2>"$TMP/err")
eq "bad crc on a pipe posts" "$(jget "$j" posts)" 445
check "bad crc on a pipe message" grep -q "chorus: -: bytes $ga..$((ga + gb)): " "$TMP/err"

# --- zstd: the middle frame of three corrupt; a skippable frame is no damage
cat "$TMP/a.zst" "$TMP/b.zst" "$TMP/c.zst" > "$TMP/abc.jsonl.zst"
cp "$TMP/abc.jsonl.zst" "$TMP/mid.jsonl.zst"
smash "$TMP/mid.jsonl.zst" $((za + zb / 2)) $((za + zb / 2 + 30))
j=$("$CHORUS" ingest --json "$TMP/mid.jsonl.zst" 2>"$TMP/err"); eq "corrupt zstd frame exit" $? 0
eq "corrupt zstd frame posts" "$(jget "$j" posts)" 445
eq "corrupt zstd frame unreadable" "$(jget "$j" unreadable_bytes)" "$zb"
check "zstd error names the range" grep -q "mid.jsonl.zst: bytes $za..$((za + zb)): " "$TMP/err"
{ cat "$TMP/a.zst"; printf '\x50\x2a\x4d\x18\x04\x00\x00\x00meta'; cat "$TMP/c.zst"; } > "$TMP/skip.zst"
j=$("$CHORUS" ingest --json "$TMP/skip.zst"); eq "skippable frame posts" "$(jget "$j" posts)" 445
eq "skippable frame no errors" "$(jget "$j" errors)" 0

# --- garbage between members, zero padding after the last, zero-length members
{ cat "$TMP/a.gz"; printf 'this is not gzip'; : | gzip -c; cat "$TMP/c.gz"; head -c 100 /dev/zero; } \
  > "$TMP/junk.gz"
j=$("$CHORUS" ingest --json "$TMP/junk.gz" 2>"$TMP/err"); eq "garbage exit" $? 0
eq "garbage posts" "$(jget "$j" posts)" 445
eq "garbage between members" "$(jget "$j" errors_by_reason.corrupt_member)" 1
eq "trailing zeros" "$(jget "$j" errors_by_reason.trailing_garbage)" 1
eq "garbage bytes" "$(jget "$j" unreadable_bytes)" 116
check "garbage message" grep -q "bytes $ga..$((ga + 16)): not gzip data between members" "$TMP/err"

# --- a truncated last member keeps every complete record before the cut
cut=$(( $(size "$TMP/abc.jsonl.gz") - 700 ))
head -c "$cut" "$TMP/abc.jsonl.gz" > "$TMP/trunc.jsonl.gz"
want=$(python3 - "$TMP/trunc.jsonl.gz" <<'PY'
import sys, zlib
data = open(sys.argv[1], 'rb').read()
out = b''
while data:
    d = zlib.decompressobj(31)
    out += d.decompress(data)
    data = d.unused_data if d.eof else b''
print(out.count(b'\n'))
PY
)
j=$("$CHORUS" ingest --json "$TMP/trunc.jsonl.gz" 2>"$TMP/err"); eq "truncated exit" $? 0
eq "truncated keeps every complete record" "$(jget "$j" posts)" "$want"
eq "truncated counted" "$(jget "$j" errors_by_reason.truncated)" 1

# --- nothing readable at all: an error, exit 1
{ printf '\x1f\x8b\x08\x00'; head -c 2000 /dev/zero; } > "$TMP/dead.gz"
"$CHORUS" ingest --json "$TMP/dead.gz" >/dev/null 2>"$TMP/err"; eq "dead file exit" $? 1
check "dead file message" grep -q "dead.gz: nothing readable: bytes 0..2004" "$TMP/err"

head -c 12 "$TMP/a.gz" > "$TMP/cut.gz"
"$CHORUS" ingest --json "$TMP/cut.gz" >/dev/null 2>"$TMP/err"; eq "cut before any line exit" $? 1
check "cut before any line message" grep -q "cut.gz: nothing readable: gzip stream truncated" "$TMP/err"

# --- strict mode stops at a damaged region
"$CHORUS" ingest --strict --quiet "$TMP/mid.jsonl.gz" >/dev/null 2>&1; eq "strict damaged exit" $? 1

# --- CSV: an unbalanced quote costs its own row, not the next good one
cat > "$TMP/quote.csv" <<'CSV'
id,author,time,text
1,alice,1600000001,"fine, quoted"
2,bob,1600000002,"broken quote
3,carol,1600000003,"hello"
4,dave,1600000004,plain
5,erin,1600000005,"a genuine
multi-line text, with, commas"
6,frank,1600000006,end
CSV
j=$("$CHORUS" ingest --json "$TMP/quote.csv" --map id=id,author=author,time=time,text=text \
  2>"$TMP/err"); eq "csv quote exit" $? 0
eq "csv quote posts" "$(jget "$j" posts)" 5
eq "csv quote bad rows" "$(jget "$j" errors)" 1
check "csv broken row named" grep -q "quote.csv:3: unbalanced quote" "$TMP/err"

# --- ids: a numeric id beyond 2^64 next to a valid id_str keeps the record
T='"created_at":"Mon Jan 04 10:00:00 +0000 2021","user":{"id_str":"5","screen_name":"u"}'
{
  echo "{\"id\":123456789012345678901234567890,\"id_str\":\"1440716895355764743\",\"text\":\"a\",$T}"
  echo "{\"id\":9007199254740993,\"id_str\":\"9007199254740993\",\"text\":\"b\",$T}"
  echo "{\"id\":18446744073709551616,\"text\":\"no id_str\",$T}"
} > "$TMP/ids.jsonl"
j=$("$CHORUS" ingest --json "$TMP/ids.jsonl" 2>"$TMP/err")
eq "big ids kept" "$(jget "$j" posts)" 2
eq "oversized id without id_str: missing_id" "$(jget "$j" errors_by_reason.missing_id)" 1

# --- times: seconds unless the field holds milliseconds by name; a fixed window
{
  echo '{"id":"s","author":"a","created_at":1600000000,"text":"seconds"}'
  echo '{"id":"ms","author":"a","created_at":1600000000000,"text":"ms in a seconds field"}'
  echo '{"id":"old","author":"a","created_at":"1985-06-01T00:00:00Z","text":"too early"}'
} > "$TMP/times.jsonl"
j=$("$CHORUS" ingest --json "$TMP/times.jsonl" 2>"$TMP/err")
eq "times kept" "$(jget "$j" posts)" 1
eq "times refused" "$(jget "$j" errors_by_reason.bad_time)" 2
check "ms refused as out of range" grep -q "'created_at' is out of range" "$TMP/err"
printf 'id,author,timestamp_ms,text\n1,a,1600000000123,x\n2,a,1600000000,y\n' > "$TMP/ms.csv"
j=$("$CHORUS" ingest --json "$TMP/ms.csv" --map id=id,author=author,time=timestamp_ms,text=text \
  2>"$TMP/err")
eq "_ms column read as milliseconds" "$(jget "$j" first)" 1600000000
eq "_ms column: a seconds value is out of range" "$(jget "$j" errors_by_reason.bad_time)" 1

# --- \u0000 in a text: U+FFFD, and the text goes on
echo '{"id":"n1","author":"a","created_at":1600000000,"text":"before\u0000after"}' > "$TMP/nul.jsonl"
"$CHORUS" scan --quiet "$TMP/nul.jsonl" -o "$TMP/nul.db" >/dev/null 2>&1; eq "nul scan exit" $? 0
got=$(python3 -c 'import sqlite3,sys
print(sqlite3.connect(sys.argv[1]).execute("select text from posts where post_id=?", ("n1",)).fetchone()[0].encode().hex())' "$TMP/nul.db")
eq "nul became U+FFFD" "$got" "$(printf 'before\xef\xbf\xbdafter' | od -An -tx1 | tr -d ' \n')"

finish
