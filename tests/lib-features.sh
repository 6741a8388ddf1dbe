# Synthetic extraction directory for the protocol tests (t30xx): features.csv + tokens.tsv in
# the format of `pyvet extract`, generated deterministically with awk (no randomness from the
# environment). Usage: make_features DIR N_BENIGN N_MALICIOUS
# Malicious rows mostly have suspicious tokens (exec, b64decode, socket) and code.has_url = 1;
# benign rows mostly have setup/packaging tokens; 10 % of each class is flipped so the learners
# do not reach F1 = 1. Clusters: malicious rows share one cluster per 3 rows.
make_features() {
	local dir=$1 nb=$2 nm=$3
	mkdir -p "$dir"
	awk -v nb="$nb" -v nm="$nm" -v dir="$dir" 'BEGIN {
		x = 12345
		f = dir "/features.csv"; t = dir "/tokens.tsv"
		print "id,label,name,version,cluster,first_seen,meta.is_valid_homepage,meta.is_valid_author_email,code.has_install_cmd,code.has_url,code.has_long_str,file.min_cfg,file.is_license" > f
		n = nb + nm
		for (i = 0; i < n; i++) {
			mal = i >= nb
			id = sprintf("%s%04d", mal ? "m" : "b", i)
			flip = (rnd() < 0.1)
			s = (mal != flip)
			cl = mal ? sprintf("sk-%04d", int((i - nb) / 3)) : ""
			date = sprintf("20%02d-%02d-15", 20 + int(rnd() * 4), 1 + int(rnd() * 12))
			hp = (rnd() < (s ? 0.2 : 0.8)); em = (rnd() < (s ? 0.3 : 0.7))
			ic = (rnd() < (s ? 0.6 : 0.1)); url = (rnd() < (s ? 0.7 : 0.1))
			ls = (rnd() < (s ? 0.5 : 0.2)); mc = (rnd() < (s ? 0.8 : 0.3))
			lic = (rnd() < 0.05) ? "" : (rnd() < (s ? 0.2 : 0.1))
			printf "%s,%s,pkg-%d,1.0,%s,%s,%d,%d,%d,%d,%d,%d,%s\n", id, mal ? "malicious" : "benign", i, cl, date, hp, em, ic, url, ls, mc, lic > f
			line = id "\t"
			k = 0
			if (s) { ntok = split("import os exec b64decode socket the requests urlopen subprocess popen", w, " ") }
			else   { ntok = split("from setuptools import setup name version author packages the description", w, " ") }
			for (j = 1; j <= ntok; j++) {
				if (rnd() < 0.7) { line = line (k++ ? " " : "") w[j] ":" (1 + int(rnd() * 3)) }
			}
			line = line (k++ ? " " : "") "noise" int(rnd() * 40) ":1"
			if (i % 17 != 5) print line > t
		}
	}
	function rnd() { x = (x * 16807) % 2147483647; return x / 2147483647 }'
}
