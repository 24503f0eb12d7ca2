package templates

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/athena-kafka/athena-kafka/runtime/auth"
)

const templateFile = "athena-kafka.yaml"

// load parses the template. CloudFormation's short tags (!Ref, !Sub, !If ...)
// stay on the nodes as their Tag.
func load(t *testing.T) *yaml.Node {
	t.Helper()
	b, err := os.ReadFile(templateFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", templateFile, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf("%s: not a YAML mapping", templateFile)
	}
	return doc.Content[0]
}

// get walks mapping keys; nil if any is missing.
func get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// val is a scalar's value, or "<none>".
func val(n *yaml.Node) string {
	if n == nil {
		return "<none>"
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Sprintf("<%s %v>", n.Tag, strs(n))
	}
	return n.Value
}

// pairs returns a mapping's keys and values in order.
func pairs(n *yaml.Node) (keys []string, values []*yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
		values = append(values, n.Content[i+1])
	}
	return keys, values
}

// intrinsic reports the CloudFormation function a node calls, short tag or
// long form ("Ref", "Fn::If", ...), and its argument.
func intrinsic(n *yaml.Node) (string, *yaml.Node) {
	if strings.HasPrefix(n.Tag, "!") {
		name := strings.TrimPrefix(n.Tag, "!")
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		return name, n
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1]
		}
	}
	return "", nil
}

// strs is a scalar's value or a sequence's scalar values.
func strs(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range n.Content {
		if c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		}
	}
	return out
}

var subRef = regexp.MustCompile(`\$\{([A-Za-z0-9_:.]+)\}`)

// refs collects every name a subtree refers to: Ref targets, ${Name} in Sub
// strings, Condition names (in !If, !Condition and Condition: keys).
func refs(n *yaml.Node, into map[string]int) {
	if n == nil {
		return
	}
	switch fn, arg := intrinsic(n); fn {
	case "Ref", "Condition":
		if arg.Kind == yaml.ScalarNode {
			into[arg.Value]++
			return
		}
	case "Fn::If":
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 3 {
			into[arg.Content[0].Value]++
		}
	case "Fn::Sub":
		tmpl := arg
		if arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
			tmpl = arg.Content[0]
		}
		for _, m := range subRef.FindAllStringSubmatch(tmpl.Value, -1) {
			into[m[1]]++
		}
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			if c.Value == "Condition" && i+1 < len(n.Content) && n.Content[i+1].Kind == yaml.ScalarNode {
				into[n.Content[i+1].Value]++
			}
			continue
		}
		refs(c, into)
	}
}

// configKeys reads the variable names the binary reads, and its default split
// size, from lambda/config.go (package main cannot be imported).
func configKeys(t *testing.T) (keys []string, defaultSplit int64) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../lambda/config.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range g.Specs {
			vs, ok := s.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
				continue
			}
			switch vs.Names[0].Name {
			case "configKeys":
				lit, ok := vs.Values[0].(*ast.CompositeLit)
				if !ok {
					t.Fatal("lambda/config.go: configKeys is not a composite literal")
				}
				for _, e := range lit.Elts {
					bl, ok := e.(*ast.BasicLit)
					if !ok || bl.Kind != token.STRING {
						t.Fatalf("lambda/config.go: configKeys holds a non-literal %T", e)
					}
					s, _ := strconv.Unquote(bl.Value)
					keys = append(keys, s)
				}
			case "DefaultMaxRecordsPerSplit":
				bl, ok := vs.Values[0].(*ast.BasicLit)
				if !ok {
					t.Fatal("lambda/config.go: DefaultMaxRecordsPerSplit is not a literal")
				}
				defaultSplit, _ = constant.Int64Val(constant.MakeFromLiteral(bl.Value, bl.Kind, 0))
			}
		}
	}
	if len(keys) < 10 || defaultSplit <= 0 {
		t.Fatalf("lambda/config.go: found configKeys %q and DefaultMaxRecordsPerSplit %d", keys, defaultSplit)
	}
	return keys, defaultSplit
}

// functions returns the template's AWS::Serverless::Function resources.
func functions(t *testing.T, root *yaml.Node) map[string]*yaml.Node {
	t.Helper()
	out := map[string]*yaml.Node{}
	names, res := pairs(get(root, "Resources"))
	for i, name := range names {
		if get(res[i], "Type").Value == "AWS::Serverless::Function" {
			out[name] = res[i]
		}
	}
	if len(out) == 0 {
		t.Fatal("no AWS::Serverless::Function")
	}
	return out
}

// fnProp is a function property, from the function or else from Globals.
func fnProp(root, fn *yaml.Node, key string) *yaml.Node {
	if v := get(fn, "Properties", key); v != nil {
		return v
	}
	return get(root, "Globals", "Function", key)
}

func TestFunctionIsProvidedAL2023Zip(t *testing.T) {
	root := load(t)
	if v := get(root, "Transform"); v == nil || v.Value != "AWS::Serverless-2016-10-31" {
		t.Errorf("Transform = %s, want AWS::Serverless-2016-10-31", val(v))
	}
	zips := map[string]string{"x86_64": "../dist/athena-kafka-amd64.zip", "arm64": "../dist/athena-kafka-arm64.zip"}
	seen := map[string]bool{}
	for name, fn := range functions(t, root) {
		if v := fnProp(root, fn, "Runtime"); v == nil || v.Value != "provided.al2023" {
			t.Errorf("%s: Runtime = %s, want provided.al2023", name, val(v))
		}
		if v := fnProp(root, fn, "Handler"); v == nil || v.Value != "bootstrap" {
			t.Errorf("%s: Handler = %s, want bootstrap", name, val(v))
		}
		if v := fnProp(root, fn, "PackageType"); v != nil && v.Value != "Zip" {
			t.Errorf("%s: PackageType = %s, want Zip", name, v.Value)
		}
		arch := strs(fnProp(root, fn, "Architectures"))
		if len(arch) != 1 || zips[arch[0]] == "" {
			t.Errorf("%s: Architectures = %q, want [x86_64] or [arm64]", name, arch)
			continue
		}
		seen[arch[0]] = true
		if v := fnProp(root, fn, "CodeUri"); v == nil || v.Tag != "!!str" || v.Value != zips[arch[0]] {
			t.Errorf("%s: CodeUri = %s, want the literal %s (make lambda's zip)", name, val(v), zips[arch[0]])
		}
		// Exactly one function exists per stack: the one the Architecture parameter picks.
		cond := get(fn, "Condition")
		want := map[string]string{"x86_64": "IsX86", "arm64": "IsArm64"}[arch[0]]
		if cond == nil || cond.Value != want {
			t.Errorf("%s: Condition = %s, want %s", name, val(cond), want)
		}
		if v := fnProp(root, fn, "Timeout"); v == nil || !slices.Equal(strs(v), []string{"LambdaTimeout"}) {
			t.Errorf("%s: Timeout is not !Ref LambdaTimeout", name)
		}
		if v := fnProp(root, fn, "MemorySize"); v == nil || !slices.Equal(strs(v), []string{"LambdaMemory"}) {
			t.Errorf("%s: MemorySize is not !Ref LambdaMemory", name)
		}
	}
	if !seen["x86_64"] || !seen["arm64"] {
		t.Errorf("architectures covered: %v, want x86_64 and arm64", seen)
	}
	if got := strs(get(root, "Parameters", "Architecture", "AllowedValues")); !slices.Equal(got, []string{"x86_64", "arm64"}) {
		t.Errorf("Architecture AllowedValues = %q", got)
	}
	if b, err := os.ReadFile("../Makefile"); err != nil || !strings.Contains(string(b), "athena-kafka-$$arch.zip") {
		t.Errorf("the Makefile's lambda target no longer writes dist/athena-kafka-<arch>.zip (err %v)", err)
	}
}

// env returns the function environment: variable name -> value node.
func env(t *testing.T, root *yaml.Node) map[string]*yaml.Node {
	t.Helper()
	out := map[string]*yaml.Node{}
	add := func(n *yaml.Node) {
		keys, vals := pairs(get(n, "Environment", "Variables"))
		for i, k := range keys {
			out[k] = vals[i]
		}
	}
	add(get(root, "Globals", "Function"))
	for _, fn := range functions(t, root) {
		add(get(fn, "Properties"))
	}
	return out
}

func TestEnvironmentVariablesAreRead(t *testing.T) {
	root := load(t)
	keys, _ := configKeys(t)
	vars := env(t, root)
	for name := range vars {
		if !slices.Contains(keys, name) {
			t.Errorf("environment variable %s is set by the template but not read by the binary (lambda/config.go configKeys)", name)
		}
	}
	if len(vars) < 15 {
		t.Errorf("only %d environment variables", len(vars))
	}
}

// javaParams are the Java athena-kafka template's parameters (and the MSK
// Glue-connection template's GlueConnection and KmsKeyId): type, default
// ("-" for none) and the environment variable each feeds.
var javaParams = []struct{ name, typ, def, env string }{
	{"LambdaFunctionName", "String", "-", ""},
	{"KafkaEndpoint", "String", "", "kafka_endpoint"}, // Java: required; here a Rule requires it unless GlueConnection is set
	{"AuthType", "String", "NO_AUTH", "auth_type"},
	{"SecretNamePrefix", "String", "", "secrets_manager_secret"},
	{"CertificatesS3Reference", "String", "", "certificates_s3_reference"},
	{"SpillBucket", "String", "-", "spill_bucket"},
	{"SpillPrefix", "String", "athena-spill", "spill_prefix"},
	{"DisableSpillEncryption", "String", "false", "disable_spill_encryption"},
	{"LambdaTimeout", "Number", "900", ""},
	{"LambdaMemory", "Number", "3008", ""},
	{"LambdaRoleARN", "String", "", ""},
	{"PermissionsBoundaryARN", "String", "", ""},
	{"SecurityGroupIds", "CommaDelimitedList", "", ""},
	{"SubnetIds", "CommaDelimitedList", "", ""},
	{"GlueConnection", "String", "", "glue_connection"},
	{"KmsKeyId", "String", "", "kms_key_id"},
}

func TestParameters(t *testing.T) {
	root := load(t)
	_, defaultSplit := configKeys(t)
	params := get(root, "Parameters")
	vars := env(t, root)

	ours := []struct{ name, typ, def, env string }{
		{"Architecture", "String", "x86_64", ""},
		{"SchemaSource", "String", "glue", "schema_source"},
		{"MaxRecordsPerSplit", "Number", strconv.FormatInt(defaultSplit, 10), "max_records_per_split"},
		{"MetadataColumns", "String", "true", "metadata_columns"},
		{"OnDecodeError", "String", "null", "on_decode_error"},
		{"IsolationLevel", "String", "read_committed", "isolation_level"},
		{"LogLevel", "String", "info", "log_level"},
	}
	for _, p := range append(slices.Clone(javaParams), ours...) {
		n := get(params, p.name)
		if n == nil {
			t.Errorf("parameter %s is missing", p.name)
			continue
		}
		if v := get(n, "Type"); v == nil || v.Value != p.typ {
			t.Errorf("parameter %s: Type = %s, want %s", p.name, val(v), p.typ)
		}
		d := get(n, "Default")
		switch {
		case p.def == "-" && d != nil:
			t.Errorf("parameter %s: Default %q, want none (required, as in the Java template)", p.name, d.Value)
		case p.def != "-" && (d == nil || d.Value != p.def):
			t.Errorf("parameter %s: Default = %s, want %q", p.name, val(d), p.def)
		}
		if get(n, "Description") == nil {
			t.Errorf("parameter %s has no Description", p.name)
		}
		if p.env == "" {
			continue
		}
		v, ok := vars[p.env]
		if !ok {
			t.Errorf("parameter %s: environment variable %s is not set", p.name, p.env)
			continue
		}
		r := map[string]int{}
		refs(v, r)
		if r[p.name] == 0 {
			t.Errorf("environment variable %s does not take parameter %s", p.env, p.name)
		}
	}
	if v := get(params, "LambdaFunctionName", "AllowedPattern"); v == nil || v.Value != "^[a-z0-9-_]{1,64}$" {
		t.Errorf("LambdaFunctionName AllowedPattern = %s", val(v))
	}
	var types []string
	for _, ty := range auth.Types() {
		types = append(types, ty.String())
	}
	got := strs(get(params, "AuthType", "AllowedValues"))
	slices.Sort(got)
	slices.Sort(types)
	if !slices.Equal(got, types) {
		t.Errorf("AuthType AllowedValues = %q, want the auth types the binary accepts %q", got, types)
	}
	for name, want := range map[string][]string{
		"OnDecodeError":   {"null", "fail"},
		"IsolationLevel":  {"read_committed", "read_uncommitted"},
		"LogLevel":        {"debug", "info", "warn", "error"},
		"MetadataColumns": {"true", "false"}, "DisableSpillEncryption": {"true", "false"},
	} {
		if got := strs(get(params, name, "AllowedValues")); !slices.Equal(got, want) {
			t.Errorf("%s AllowedValues = %q, want %q", name, got, want)
		}
	}
}

func TestEveryParameterAndConditionIsUsed(t *testing.T) {
	root := load(t)
	used := map[string]int{}
	for _, section := range []string{"Rules", "Conditions", "Globals", "Resources", "Outputs"} {
		refs(get(root, section), used)
	}
	params, _ := pairs(get(root, "Parameters"))
	for _, p := range params {
		if used[p] == 0 {
			t.Errorf("parameter %s is never used", p)
		}
	}
	conds, _ := pairs(get(root, "Conditions"))
	for _, c := range conds {
		if used[c] == 0 {
			t.Errorf("condition %s is never used", c)
		}
	}
	resources, _ := pairs(get(root, "Resources"))
	defined := append(append(append([]string{"AWS::NoValue", "AWS::Region", "AWS::AccountId", "AWS::Partition"}, params...), conds...), resources...)
	for name := range used {
		if !slices.Contains(defined, name) && !slices.Contains([]string{"Path", "Bucket", "Folder"}, name) {
			t.Errorf("%s is referenced but not defined", name)
		}
	}
}

// statement is one IAM policy statement and the conditions that guard it.
type statement struct {
	node   *yaml.Node
	guards []string
}

// statements flattens a Statement list: both branches of !If, minus
// AWS::NoValue.
func statements(n *yaml.Node, guards []string, out *[]statement) {
	if fn, arg := intrinsic(n); fn == "Fn::If" {
		statements(arg.Content[1], append(slices.Clone(guards), arg.Content[0].Value), out)
		statements(arg.Content[2], append(slices.Clone(guards), "!"+arg.Content[0].Value), out)
		return
	} else if fn == "Ref" && arg.Value == "AWS::NoValue" {
		return
	}
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			statements(c, guards, out)
		}
		return
	}
	*out = append(*out, statement{n, guards})
}

// starResourceOK lists the actions AWS authorizes only on Resource "*".
var starResourceOK = []string{
	"glue:ListRegistries", "kms:GenerateRandom",
	"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
	"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
}

func TestIAMLeastPrivilege(t *testing.T) {
	root := load(t)
	role := get(root, "Resources", "FunctionRole")
	if role == nil || get(role, "Condition").Value != "NotHasLambdaRole" {
		t.Fatal("no FunctionRole created only without LambdaRoleARN")
	}
	if get(role, "Properties", "ManagedPolicyArns") != nil {
		t.Error("FunctionRole attaches managed policies; they grant on \"*\"")
	}
	var all []statement
	for _, p := range get(role, "Properties", "Policies").Content {
		statements(get(p, "PolicyDocument", "Statement"), nil, &all)
	}
	actions := map[string][]string{} // action -> guards
	for _, s := range all {
		if e := get(s.node, "Effect"); e == nil || e.Value != "Allow" {
			t.Errorf("statement %s: Effect is not Allow", val(get(s.node, "Sid")))
		}
		acts := strs(get(s.node, "Action"))
		if len(acts) == 0 {
			t.Errorf("statement %s has no Action", val(get(s.node, "Sid")))
		}
		res := get(s.node, "Resource")
		star := res != nil && res.Kind == yaml.ScalarNode && res.Tag == "!!str" && res.Value == "*"
		for _, a := range acts {
			if strings.Contains(a, "*") {
				t.Errorf("action %s: wildcard action", a)
			}
			if star && !slices.Contains(starResourceOK, a) {
				t.Errorf("action %s is granted on Resource \"*\"", a)
			}
			actions[a] = s.guards
		}
		if !star {
			// Every resource names the account's own ARNs or a parameter, never a bare wildcard.
			r := map[string]int{}
			refs(res, r)
			if len(r) == 0 {
				t.Errorf("statement %s: Resource %s is not built from parameters or pseudo-parameters", val(get(s.node, "Sid")), val(res))
			}
		}
	}
	for action, guard := range map[string]string{
		"logs:CreateLogStream":          "",
		"logs:PutLogEvents":             "",
		"s3:PutObject":                  "",
		"glue:ListRegistries":           "UsesGlueRegistry",
		"glue:ListSchemas":              "UsesGlueRegistry",
		"glue:GetSchemaVersion":         "UsesGlueRegistry",
		"glue:GetRegistry":              "UsesGlueRegistry",
		"glue:GetSchema":                "UsesGlueRegistry",
		"glue:ListSchemaVersions":       "UsesGlueRegistry",
		"glue:GetConnection":            "HasGlueConnection",
		"secretsmanager:GetSecretValue": "HasSecret",
		"kms:GenerateDataKey":           "HasKmsKeyId",
		"kms:GenerateRandom":            "HasKmsKeyId",
		"kms:Decrypt":                   "HasKmsKeyId",
		"ec2:CreateNetworkInterface":    "HasSubnets",
	} {
		g, ok := actions[action]
		switch {
		case !ok:
			t.Errorf("action %s is not granted", action)
		case guard == "" && len(g) != 0:
			t.Errorf("action %s is guarded by %q, want always", action, g)
		case guard != "" && !slices.Equal(g, []string{guard}):
			t.Errorf("action %s is guarded by %q, want only when %s", action, g, guard)
		}
	}

	// The secret, spill and certificate grants name their resources.
	for _, s := range all {
		sid := get(s.node, "Sid")
		if sid == nil {
			t.Errorf("statement without Sid: %v", strs(get(s.node, "Action")))
			continue
		}
		r := map[string]int{}
		refs(get(s.node, "Resource"), r)
		want := map[string]string{
			"Secret":             "SecretNamePrefix",
			"SpillObjects":       "SpillPrefix",
			"SpillBucket":        "SpillBucket",
			"CertificateObjects": "CertificatesS3Reference",
			"CertificateFolder":  "CertificatesS3Reference",
			"GlueConnection":     "GlueConnection",
			"SpillKey":           "KmsKeyId",
			"Logs":               "LambdaFunctionName",
		}[sid.Value]
		if want != "" && r[want] == 0 {
			t.Errorf("statement %s: Resource does not use %s", sid.Value, want)
		}
	}
	pb := map[string]int{}
	refs(get(role, "Properties", "PermissionsBoundary"), pb)
	if pb["PermissionsBoundaryARN"] == 0 {
		t.Error("FunctionRole does not take PermissionsBoundaryARN")
	}
}
