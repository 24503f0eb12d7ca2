package auth

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
)

// The standard library reads no encrypted PKCS#8 keys; Kafka's PEM key
// stores use them with ssl.key.password. This reads PBES2 (PBKDF2 with
// HMAC-SHA1/256/384/512, AES-CBC or 3DES-CBC), what openssl writes by
// default (openssl pkcs8 -topk8, openssl genpkey -aes256).
var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}

	prfs = map[string]func() hash.Hash{
		"1.2.840.113549.2.7":  sha1.New,
		"1.2.840.113549.2.9":  sha256.New,
		"1.2.840.113549.2.10": sha512.New384,
		"1.2.840.113549.2.11": sha512.New,
	}
	ciphers = map[string]struct {
		keyLen int
		block  func([]byte) (cipher.Block, error)
	}{
		"2.16.840.1.101.3.4.1.2":  {16, aes.NewCipher},
		"2.16.840.1.101.3.4.1.22": {24, aes.NewCipher},
		"2.16.840.1.101.3.4.1.42": {32, aes.NewCipher},
		"1.2.840.113549.3.7":      {24, des.NewTripleDESCipher},
	}
)

type encryptedPrivateKeyInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF pkix.AlgorithmIdentifier
	Enc pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt   []byte
	Iter   int
	KeyLen int                      `asn1:"optional"`
	PRF    pkix.AlgorithmIdentifier `asn1:"optional"`
}

// decryptPKCS8 decrypts an ENCRYPTED PRIVATE KEY with password.
func decryptPKCS8(der []byte, password string) (crypto.Signer, error) {
	var info encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, fmt.Errorf("parse encrypted key: %w", err)
	}
	if !info.Algo.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("encrypted key algorithm %v is not supported (PBES2 only)", info.Algo.Algorithm)
	}
	var params pbes2Params
	if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &params); err != nil {
		return nil, fmt.Errorf("parse PBES2 parameters: %w", err)
	}
	if !params.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("key derivation %v is not supported (PBKDF2 only)", params.KDF.Algorithm)
	}
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kdf); err != nil {
		return nil, fmt.Errorf("parse PBKDF2 parameters: %w", err)
	}
	prf := sha1.New
	if len(kdf.PRF.Algorithm) > 0 {
		if prf = prfs[kdf.PRF.Algorithm.String()]; prf == nil {
			return nil, fmt.Errorf("PBKDF2 function %v is not supported", kdf.PRF.Algorithm)
		}
	}
	c, ok := ciphers[params.Enc.Algorithm.String()]
	if !ok {
		return nil, fmt.Errorf("cipher %v is not supported", params.Enc.Algorithm)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(params.Enc.Parameters.FullBytes, &iv); err != nil {
		return nil, fmt.Errorf("parse cipher IV: %w", err)
	}
	key, err := pbkdf2.Key(prf, password, kdf.Salt, kdf.Iter, c.keyLen)
	if err != nil {
		return nil, err
	}
	block, err := c.block(key)
	if err != nil {
		return nil, err
	}
	n := block.BlockSize()
	if len(iv) != n || len(info.Data) == 0 || len(info.Data)%n != 0 {
		return nil, errors.New("malformed encrypted key")
	}
	pt := make([]byte, len(info.Data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(pt, info.Data)
	pad := int(pt[len(pt)-1])
	if pad == 0 || pad > n {
		return nil, errWrongKeyPassword
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, errWrongKeyPassword
		}
	}
	k, err := parseKeyDER(pt[:len(pt)-pad])
	if err != nil {
		return nil, errWrongKeyPassword
	}
	return k, nil
}

var errWrongKeyPassword = errors.New("wrong password: ssl_key_password in the secret does not decrypt it")
