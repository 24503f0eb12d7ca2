package auth

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestKeytoolStores reads key stores written by the JDK's keytool, as users
// make them for the Java connector: JKS, and PKCS#12 under a .jks name
// (keytool's default since Java 9). Skipped without keytool.
func TestKeytoolStores(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a JVM per store")
	}
	if _, err := exec.LookPath("keytool"); err != nil {
		t.Skip("keytool not installed")
	}
	for _, storetype := range []string{"JKS", "PKCS12"} {
		t.Run(storetype, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kafka.client.keystore.jks")
			out, err := exec.Command("keytool", "-genkeypair", "-storetype", storetype, "-keystore", path,
				"-storepass", "store-pass", "-keypass", "store-pass", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048",
				"-dname", "CN=keytool-client", "-validity", "2").CombinedOutput()
			if err != nil {
				t.Fatalf("keytool: %v\n%s", err, out)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseCertificates([]File{{"kafka.client.keystore.jks", data}}, Credentials{KeystorePassword: "store-pass", KeyPassword: "store-pass"})
			if err != nil {
				t.Fatal(err)
			}
			if m.Certificate == nil || m.Certificate.Leaf.Subject.CommonName != "keytool-client" {
				t.Fatalf("material %+v", m)
			}
		})
	}
}
