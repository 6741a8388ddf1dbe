/*
 * system.yar: pyvet's YARA rules for shell payloads, persistence and embedded binaries
 * (featuresets/yara.c, issue 11). Provenance as in code_exec.yar.
 */

/* PowerShell started hidden or with an encoded command.
 * -EncodedCommand and -WindowStyle Hidden hide what runs; build tooling has no use for them. */
rule powershell_hidden_encoded
{
    strings:
        $ps = "powershell" nocase
        $h = /powershell(\.exe)?[^\n]{0,100}\s-(w|windowstyle)\s+hidden/ nocase
        $e = /powershell(\.exe)?[^\n]{0,100}\s-(e|ec|enc|encodedcommand)\s+[A-Za-z0-9+\/=]{20,}/ nocase
    condition:
        $ps and ($h or $e)
}

/* Download piped into a shell, or a download written to disk and started.
 * Installers documented for humans do this; a library's code does not. */
rule download_and_execute
{
    strings:
        $pipe = /\b(curl|wget)\s[^\n'"]{0,200}\|\s*(sudo\s+)?(ba|z)?sh\b/
        $dl = /\b(urlretrieve|urlopen|requests\s*\.\s*get)\s*\(/
        $run1 = /os\s*\.\s*startfile\s*\(/
        $run2 = /\.exe['"]\s*[,)\]]/ nocase
        $run3 = /chmod\s*\(\s*[^,]{1,80},\s*0o?7[0-7][0-7]/
    condition:
        $pipe or ($dl and ($run1 or ($run2 and $run3)))
}

/* Reverse shells: bash's /dev/tcp, or a socket's descriptors duplicated onto stdin/stdout
 * before a shell is spawned. No library hands its process to a remote socket. */
rule reverse_shell
{
    strings:
        $tcp = /\/dev\/(tcp|udp)\/[0-9a-zA-Z.$\{\}_]+\/[0-9$\{]/
        $dup = /os\s*\.\s*dup2\s*\(\s*\w+\s*\.\s*fileno\s*\(\s*\)\s*,\s*[012]\s*\)/
        $pty = /pty\s*\.\s*spawn\s*\(\s*['"]\/bin\/(ba|z)?sh/
        $sh = /\[\s*['"]\/bin\/(ba|z)?sh['"]\s*,\s*['"]-i['"]\s*\]/
        $nc1 = /\s-e\s+\/bin\/(ba|z)?sh\b/
        $nc2 = /\s-e\s+cmd(\.exe)?\b/ nocase
    condition:
        $tcp or $nc1 or $nc2 or ($dup and ($pty or $sh))
}

/* Windows Run/RunOnce registry keys and the Startup folder: start a program at every logon.
 * Packages do not register themselves to start with Windows. */
rule windows_autostart
{
    strings:
        $run = /CurrentVersion(\\{1,2}|\/)Run(Once)?\b/ nocase
        $startup = /Start Menu(\\{1,2}|\/)Programs(\\{1,2}|\/)Startup/ nocase
        $shell = "shell:startup" nocase
        $schtasks = /schtasks(\.exe)?\s+\/create/ nocase
    condition:
        any of them
}

/* Linux autostart: a crontab line written, a systemd unit installed, or a shell rc file
 * appended to. Libraries leave the user's crontab and shell start-up alone. */
rule unix_autostart
{
    strings:
        $cron1 = /\(\s*crontab\s+-l/
        $cron2 = /crontab\s+-\s*['"]?/
        $cron3 = /\/etc\/cron\.(d|hourly|daily)\//
        $sd = /\/etc\/systemd\/system\/[^'"\s]{1,64}\.service/
        $rc = /\.(bashrc|zshrc|bash_profile)['"]\s*,\s*['"]a/
    condition:
        any of them
}

/* An ELF executable or shared object among the loaded members (a text-like name hiding a binary).
 * Loaded members are source and text; a binary there was disguised. */
rule elf_binary
{
    condition:
        filesize > 64 and uint32(0) == 0x464c457f
}

/* A Windows PE executable among the loaded members. Same reason as elf_binary. */
rule pe_binary
{
    condition:
        filesize > 64 and uint16(0) == 0x5a4d and uint32(0x3c) < filesize - 4 and
        uint32(uint32(0x3c)) == 0x00004550
}

/* Anti-analysis: two or more virtual-machine or sandbox artefacts looked up.
 * Only malware checks whether it runs inside VirtualBox, VMware or an analysis sandbox. */
rule anti_vm_sandbox
{
    strings:
        $a1 = "VBoxService" nocase
        $a2 = "VBoxTray" nocase
        $a3 = "vmtoolsd" nocase
        $a4 = "vmwaretray" nocase
        $a5 = "SbieDll.dll" nocase
        $a6 = "wireshark.exe" nocase
        $a7 = "procmon.exe" nocase
        $a8 = "x64dbg" nocase
        $a9 = "ollydbg" nocase
        $a10 = "vboxmouse" nocase
    condition:
        2 of them
}
