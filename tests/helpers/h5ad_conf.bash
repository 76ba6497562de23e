# Conformance checks of emb-extract against ../shared/golden/h5ad/<file>.json (see
# ../shared/golden/README.md, "h5ad reading"). Each function takes the file's base name.

# |got - want| <= rel * |want| + abs, compared in awk (doubles).
near() {
	awk -v g="$1" -v w="$2" -v r="$3" -v a="$4" 'BEGIN {
		d = g - w; if (d < 0) d = -d; m = w; if (m < 0) m = -m
		if (d <= r * m + a) exit 0
		printf "got %.17g want %.17g (diff %.3g)\n", g, w, d > "/dev/stderr"; exit 1 }'
}

# n_obs, n_vars, obs names (first three, sha256 of all joined by "\n").
conf_names() {
	local f=$1 g="$GOLDEN/h5ad/$1.json"
	run -0 emb-extract --list "$DATA/$f.h5ad"
	local rec
	rec=$(head -1 <<<"$output")
	[ "$(jq .n_obs <<<"$rec")" = "$(jq .n_obs "$g")" ]
	[ "$(jq .n_vars <<<"$rec")" = "$(jq .n_vars "$g")" ]
	run -0 emb-extract --obs-out "$T/names.jsonl" "$DATA/$f.h5ad"
	[ "$(wc -l <"$T/names.jsonl")" -eq "$(jq .n_obs "$g")" ]
	[ "$(jq -c '.obs_names_first' "$g")" = "$(head -3 "$T/names.jsonl" | jq -sc 'map(.obs_name)')" ]
	[ "$(jq -rj -s 'map(.obs_name) | join("\n")' "$T/names.jsonl" | sha256sum | cut -d' ' -f1)" = \
		"$(jq -r .obs_names_sha256 "$g")" ]
}

# Every obsm key: shape, float64 sum, first row (first 8 values).
conf_obsm() {
	local f=$1 g="$GOLDEN/h5ad/$1.json" k n=0
	for k in $(jq -r '.obsm | keys[]' "$g"); do
		run -0 emb-extract --obsm "$k" -o "$T/m.scmat" "$DATA/$f.h5ad"
		run -0 mat-info --head 1 "$T/m.scmat"
		local info=${lines[0]} row=${lines[1]}
		[ "$(jq -c '[.rows, .cols]' <<<"$info")" = "$(jq -c --arg k "$k" '.obsm[$k].shape' "$g")" ] ||
			{ echo "$k: shape $(jq -c '[.rows, .cols]' <<<"$info")"; return 1; }
		near "$(jq .sum <<<"$info")" "$(jq --arg k "$k" '.obsm[$k].sum' "$g")" 1e-6 1e-6 ||
			{ echo "$k: sum"; return 1; }
		local i want got
		for i in $(seq 0 $(($(jq --arg k "$k" '.obsm[$k].first_row | length' "$g") - 1))); do
			want=$(jq --arg k "$k" ".obsm[\$k].first_row[$i]" "$g")
			got=$(jq ".[$i]" <<<"$row")
			near "$got" "$want" 1e-6 0 || { echo "$k: first_row[$i]"; return 1; }
		done
		[ "$(head -1 "$T/m.scmat" | sed 's/^SCMAT1 //' | jq -r .key)" = "obsm/$k" ]
		n=$((n + 1))
	done
	[ "$n" -eq "$(jq '.obsm | length' "$g")" ]
}

# X: shape, sum (golden is a float32 numpy sum: relative 1e-6), dense or sparse storage.
conf_X() {
	local f=$1 g="$GOLDEN/h5ad/$1.json"
	run -0 emb-extract --X --max-gb 2 -o "$T/x.scmat" "$DATA/$f.h5ad"
	run -0 mat-info "$T/x.scmat"
	[ "$(jq -c '[.rows, .cols]' <<<"$output")" = "$(jq -c .X.shape "$g")" ]
	[ "$(jq .nan <<<"$output")" = 0 ]
	near "$(jq .sum <<<"$output")" "$(jq .X.sum "$g")" 1e-6 1e-3
	run -0 emb-extract --list "$DATA/$f.h5ad"
	local fmt
	fmt=$(jq -r 'select(.kind == "X") | .format' <<<"$output")
	if [ "$(jq .X.sparse "$g")" = true ]; then
		[[ "$fmt" == cs[rc] ]]
	else
		[ "$fmt" = dense ]
	fi
}

# Every obs column: dtype, number of distinct values, first five values (strings exactly,
# numbers by value, missing = ""), and for non-numeric columns the sha256 of all values.
conf_obs() {
	local f=$1 g="$GOLDEN/h5ad/$1.json" c bad n=0
	run -0 emb-extract --all-obs --obs-out "$T/obs.jsonl" "$DATA/$f.h5ad"
	jq -s . "$T/obs.jsonl" >"$T/obs.json"
	emb-extract --list "$DATA/$f.h5ad" | jq -s 'map(select(.kind == "obs"))' >"$T/list.json"
	bad=$(jq -r --slurpfile g "$g" --slurpfile l "$T/list.json" '
		. as $rows | $g[0].obs | to_entries[] | .key as $c | .value as $G |
		($G.dtype | test("^(float|int|uint)")) as $num |
		($rows | map(.[$c])) as $v |
		[ (if ($l[0] | map(select(.column == $c)) | .[0].dtype) != $G.dtype then "dtype" else empty end),
		  (if ($v | unique | length) != $G.n_distinct then "n_distinct" else empty end),
		  (range($G.first | length) as $i |
		   if $G.first[$i] == "" then (if $v[$i] == null or $v[$i] == "" then empty else "first[\($i)]" end)
		   elif $num then (if $v[$i] == ($G.first[$i] | tonumber) then empty else "first[\($i)]" end)
		   else (if ($v[$i] | tostring) == $G.first[$i] then empty else "first[\($i)]" end) end)
		] | select(length > 0) | "\($c): \(join(" "))"' "$T/obs.json")
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	while IFS= read -r c; do
		local want got
		want=$(jq -r --arg c "$c" '.obs[$c].sha256' "$g")
		got=$(jq -rj --arg c "$c" 'map(.[$c] | if . == null then "" else tostring end) | join("\n")' \
			"$T/obs.json" | sha256sum | cut -d' ' -f1)
		[ "$got" = "$want" ] || { echo "$c: sha256 $got != $want"; return 1; }
		n=$((n + 1))
	done < <(jq -r '.obs | to_entries[] | select(.value.dtype | test("^(float|int|uint)") | not) | .key' "$g")
	[ "$(jq '.obs | length' "$g")" -eq "$(jq '.[0] | length - 1' "$T/obs.json")" ]
}
