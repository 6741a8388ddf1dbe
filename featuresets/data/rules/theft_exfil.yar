/*
 * theft_exfil.yar: pyvet's YARA rules for credential theft and exfiltration (featuresets/yara.c,
 * issue 11). Provenance as in code_exec.yar: written for pyvet from public PyPI malware reports.
 */

/* A Discord webhook URL: the commonest exfiltration channel of PyPI stealers.
 * Libraries that talk to Discord build webhook URLs from user configuration, not literals. */
rule discord_webhook
{
    strings:
        $a = /discord(app)?\.com\/api\/webhooks\/[0-9]{6,}/ nocase
    condition:
        $a
}

/* A Telegram bot API endpoint with a token in the code.
 * A hard-coded bot token in a library is a leaked secret at best, an exfiltration channel at worst. */
rule telegram_bot_token
{
    strings:
        $a = /api\.telegram\.org\/bot[0-9]{6,}:[A-Za-z0-9_-]{20,}/
    condition:
        $a
}

/* Chromium/Firefox profile stores named together with the browser's user-data path.
 * Only password stealers and forensic tools read "Login Data" / "Local State" / key4.db. */
rule browser_credential_store
{
    strings:
        $p1 = "User Data" nocase
        $p2 = "Mozilla/Firefox/Profiles" nocase
        $p3 = "Mozilla\\Firefox\\Profiles" nocase
        $p4 = "Mozilla\\\\Firefox\\\\Profiles" nocase
        $s1 = "Login Data" nocase
        $s2 = "Local State" nocase
        $s3 = "key4.db" nocase
        $s4 = "logins.json" nocase
        $s5 = "Web Data" nocase
    condition:
        any of ($p*) and 2 of ($s*)
}

/* Discord token theft: the client's LevelDB store, the token format or the prefix of its
 * encrypted form. No library needs another application's login token. */
rule discord_token_theft
{
    strings:
        $l1 = /Local Storage(\\\\|\\|\/)leveldb/ nocase
        $d = "discord" nocase
        $t1 = "dQw4w9WgXcQ:"
        $t2 = /\[\\w-\]\{24\}\\\.\[\\w-\]\{6\}\\\.\[\\w-\]\{27\}/
        $t3 = /\[\\w-\]\{24,26\}\\\.\[\\w-\]\{6\}\\\.\[\\w-\]\{25,110\}/
    condition:
        ($l1 and $d) or $t1 or $t2 or $t3
}

/* Two or more cryptocurrency wallet stores or the MetaMask extension id.
 * A package naming several wallets' data folders is collecting them. */
rule crypto_wallet_paths
{
    strings:
        $w1 = /Exodus(\\{1,2}|\/)exodus\.wallet/ nocase
        $w2 = /Electrum(\\{1,2}|\/)wallets/ nocase
        $w3 = "nkbihfbeogaeaoehlefnkodbefgpgknn"
        $w4 = "wallet.dat" nocase
        $w5 = /Atomic(\\{1,2}|\/)Local Storage/ nocase
        $w6 = /Coinomi(\\{1,2}|\/)Coinomi/ nocase
        $w7 = /Ethereum(\\{1,2}|\/)keystore/ nocase
        $w8 = /Guarda(\\{1,2}|\/)Local Storage/ nocase
        $w9 = "com.liberty.jaxx" nocase
    condition:
        2 of them
}

/* Tunnels, paste sites and out-of-band testing hosts used to receive stolen data or to prove
 * that a dependency-confusion package was installed. Libraries do not hard-code them. */
rule exfil_tunnel_paste_oast
{
    strings:
        $a1 = ".ngrok.io" nocase
        $a2 = ".ngrok-free.app" nocase
        $a3 = "serveo.net" nocase
        $a4 = "pastebin.com/raw" nocase
        $a5 = "transfer.sh" nocase
        $a6 = "webhook.site" nocase
        $a7 = ".pipedream.net" nocase
        $a8 = ".oastify.com" nocase
        $a9 = ".burpcollaborator.net" nocase
        $a10 = ".interact.sh" nocase
        $a11 = "dnslog.cn" nocase
        $a12 = ".requestbin." nocase
        $a13 = "trycloudflare.com" nocase
    condition:
        any of them
}

/* The user name, host name and a network call in one member: the beacon of dependency-confusion
 * probes and recon droppers. Benign code rarely needs both identities and the network. */
rule sysinfo_beacon
{
    strings:
        $u1 = /getpass\s*\.\s*getuser\s*\(/
        $u2 = /os\s*\.\s*getlogin\s*\(/
        $h1 = /socket\s*\.\s*gethostname\s*\(/
        $h2 = /platform\s*\.\s*node\s*\(/
        $n1 = /requests\s*\.\s*(get|post)\s*\(/
        $n2 = /urlopen\s*\(/
        $n3 = /http\.client\s*\.\s*HTTPS?Connection\s*\(/
        $n4 = /socket\s*\.\s*(gethostbyname|getaddrinfo)\s*\(/
    condition:
        any of ($u*) and any of ($h*) and any of ($n*)
}
