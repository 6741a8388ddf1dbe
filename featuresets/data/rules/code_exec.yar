/*
 * code_exec.yar: pyvet's YARA rules for code that runs hidden code (featuresets/yara.c, issue 11).
 * Provenance: written for pyvet from the techniques public PyPI malware reports describe
 * (Phylum, Checkmarx, Sonatype, ReversingLabs, Socket, 2022-2024). Each rule says what it
 * catches and why it is rare in benign code. Matched against the raw bytes of every member the
 * reader loads (.py, metadata, small text files, .pth).
 */

/* exec()/eval() whose argument decodes base64/base32/base85 on the same line.
 * Benign code does not execute source it first decodes from base64; packers and droppers do. */
rule py_exec_base64
{
    strings:
        $a = /\b(exec|eval)\s*\([^\n]{0,160}\b(b64|b32|b85|a85|urlsafe_b64|standard_b64)decode\s*\(/
        $b = /\b(exec|eval)\s*\([^\n]{0,160}\bdecodebytes\s*\(/
    condition:
        any of them
}

/* exec()/eval() of marshal- or zlib-packed code objects, or marshal.loads(zlib.decompress(...)).
 * Shipping code as a marshalled, compressed blob is how obfuscators hide a payload; open-source
 * packages ship source. */
rule py_exec_marshal_zlib
{
    strings:
        $a = /\b(exec|eval)\s*\(\s*(marshal|pickle)\s*\.\s*loads\s*\(/
        $b = /\bmarshal\s*\.\s*loads\s*\(\s*(zlib|lzma|bz2|gzip)\s*\.\s*decompress\s*\(/
        $c = /\b(exec|eval)\s*\(\s*(zlib|lzma|bz2|gzip)\s*\.\s*decompress\s*\(/
    condition:
        any of them
}

/* exec()/eval() of hex-decoded, reversed or ROT13 text on one line.
 * Reversing a string or rot13-ing it before running it has no purpose but hiding it. */
rule py_exec_hex_reversed_rot13
{
    strings:
        $a = /\b(exec|eval)\s*\([^\n]{0,200}\bfromhex\s*\(/
        $b = /\b(exec|eval)\s*\([^\n]{0,200}\[\s*::\s*-1\s*\]/
        $c = /\b(exec|eval)\s*\([^\n]{0,200}rot_?13/ nocase
        $d = /\b(exec|eval)\s*\([^\n]{0,200}\bunhexlify\s*\(/
    condition:
        any of them
}

/* __import__ of a decoder or of builtins by a string, the import form obfuscators emit
 * (`__import__('base64').b64decode`, `__import__('builtins').exec`).
 * Ordinary code imports these modules with an import statement. */
rule py_dunder_import_decoder
{
    strings:
        $a = /__import__\s*\(\s*['"](base64|zlib|marshal|codecs|binascii|builtins|lzma)['"]\s*\)/
    condition:
        $a
}

/* PyArmor-protected modules: the runtime's entry points.
 * PyArmor is a commercial obfuscator; open-source packages publish readable code. */
rule pyarmor_runtime
{
    strings:
        $a = "__pyarmor__"
        $b = "__armor_enter__"
        $c = "pyarmor_runtime"
        $d = "from pytransform import pyarmor"
    condition:
        any of them
}

/* A class overriding the install command that starts a process or fetches a URL in the same
 * file: code that runs on `pip install`. Benign setup.py files override install to build or
 * copy files, rarely to run programs or download. */
rule setup_install_hook_runs_code
{
    strings:
        $cls = /\b(install|develop|egg_info)\s*\)\s*:/
        $p1 = /\b(os\s*\.\s*system|subprocess\s*\.\s*(Popen|call|run|check_output|check_call)|os\s*\.\s*popen)\s*\(/
        $n1 = /\b(urlopen|urlretrieve|requests\s*\.\s*(get|post))\s*\(/
    condition:
        $cls and ($p1 or $n1)
}
