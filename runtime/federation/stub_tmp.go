package federation

func decodeRequest(data []byte, o *options) (Request, Version, error) {
	return nil, 0, Errorf("federation: not implemented yet")
}

func encodeResponse(resp Response, v Version, o *options) ([]byte, error) {
	return nil, Errorf("federation: not implemented yet")
}
