package asf

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// GUID is a 16-byte ASF object or type identifier in on-disk byte order:
// Data1 (u32), Data2 (u16) and Data3 (u16) little-endian, then Data4 as 8 raw
// bytes (ASF spec §1.3 conventions). Compare GUIDs with ==.
type GUID [16]byte

// String returns the canonical upper-case form, e.g.
// "75B22630-668E-11CF-A6D9-00AA0062CE6C".
func (g GUID) String() string {
	return fmt.Sprintf("%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		binary.LittleEndian.Uint32(g[0:4]), binary.LittleEndian.Uint16(g[4:6]),
		binary.LittleEndian.Uint16(g[6:8]), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15])
}

// ParseGUID parses the canonical form, case-insensitively, optionally
// wrapped in braces ("{75b22630-668e-11cf-a6d9-00aa0062ce6c}").
func ParseGUID(s string) (GUID, error) {
	var g GUID
	t := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return g, fmt.Errorf("asf: invalid GUID %q", s)
	}
	h := t[0:8] + t[9:13] + t[14:18] + t[19:23] + t[24:36]
	var raw [16]byte
	if _, err := hex.Decode(raw[:], []byte(h)); err != nil {
		return g, fmt.Errorf("asf: invalid GUID %q: %w", s, err)
	}
	// raw is big-endian text order; swap the first three fields.
	g[0], g[1], g[2], g[3] = raw[3], raw[2], raw[1], raw[0]
	g[4], g[5] = raw[5], raw[4]
	g[6], g[7] = raw[7], raw[6]
	copy(g[8:], raw[8:])
	return g, nil
}

func mustGUID(s string) GUID {
	g, err := ParseGUID(s)
	if err != nil {
		panic(err) // only reached for the constants below, at init
	}
	return g
}

// Object GUIDs (ASF spec §10.1 and §10.2).
var (
	GUIDHeader                    = mustGUID("75B22630-668E-11CF-A6D9-00AA0062CE6C")
	GUIDData                      = mustGUID("75B22636-668E-11CF-A6D9-00AA0062CE6C")
	GUIDSimpleIndex               = mustGUID("33000890-E5B1-11CF-89F4-00A0C90349CB")
	GUIDIndex                     = mustGUID("D6E229D3-35DA-11D1-9034-00A0C90349BE")
	GUIDMediaObjectIndex          = mustGUID("FEB103F8-12AD-4C64-840F-2A1D2F7AD48C")
	GUIDTimecodeIndex             = mustGUID("3CB73FD0-0C4A-4803-953D-EDF7B6228F0C")
	GUIDFileProperties            = mustGUID("8CABDCA1-A947-11CF-8EE4-00C00C205365")
	GUIDStreamProperties          = mustGUID("B7DC0791-A9B7-11CF-8EE6-00C00C205365")
	GUIDHeaderExtension           = mustGUID("5FBF03B5-A92E-11CF-8EE3-00C00C205365")
	GUIDCodecList                 = mustGUID("86D15240-311D-11D0-A3A4-00A0C90348F6")
	GUIDScriptCommand             = mustGUID("1EFB1A30-0B62-11D0-A39B-00A0C90348F6")
	GUIDMarker                    = mustGUID("F487CD01-A951-11CF-8EE6-00C00C205365")
	GUIDBitrateMutualExclusion    = mustGUID("D6E229DC-35DA-11D1-9034-00A0C90349BE")
	GUIDErrorCorrection           = mustGUID("75B22635-668E-11CF-A6D9-00AA0062CE6C")
	GUIDContentDescription        = mustGUID("75B22633-668E-11CF-A6D9-00AA0062CE6C")
	GUIDExtendedContentDesc       = mustGUID("D2D0A440-E307-11D2-97F0-00A0C95EA850")
	GUIDContentBranding           = mustGUID("2211B3FA-BD23-11D2-B4B7-00A0C955FC6E")
	GUIDStreamBitrateProperties   = mustGUID("7BF875CE-468D-11D1-8D82-006097C9A2B2")
	GUIDContentEncryption         = mustGUID("2211B3FB-BD23-11D2-B4B7-00A0C955FC6E")
	GUIDExtendedContentEncryption = mustGUID("298AE614-2622-4C17-B935-DAE07EE9289C")
	GUIDDigitalSignature          = mustGUID("2211B3FC-BD23-11D2-B4B7-00A0C955FC6E")
	GUIDPadding                   = mustGUID("1806D474-CADF-4509-A4BA-9AABCB96AAE8")

	// Objects inside the Header Extension Object (ASF spec §4).
	GUIDExtendedStreamProperties   = mustGUID("14E6A5CB-C672-4332-8399-A96952065B5A")
	GUIDAdvancedMutualExclusion    = mustGUID("A08649CF-4775-4670-8A16-6E35357566CD")
	GUIDGroupMutualExclusion       = mustGUID("D1465A40-5A79-4338-B71B-E36B8FD6C249")
	GUIDStreamPrioritization       = mustGUID("D4FED15B-88D3-454F-81F0-ED5C45999E24")
	GUIDBandwidthSharing           = mustGUID("A69609E6-517B-11D2-B6AF-00C04FD908E9")
	GUIDLanguageList               = mustGUID("7C4346A9-EFE0-4BFC-B229-393EDE415C85")
	GUIDMetadata                   = mustGUID("C5F8CBEA-5BAF-4877-8467-AA8C44FA4CCA")
	GUIDMetadataLibrary            = mustGUID("44231C94-9498-49D1-A141-1D134E457054")
	GUIDIndexParameters            = mustGUID("D6E229DF-35DA-11D1-9034-00A0C90349BE")
	GUIDMediaObjectIndexParameters = mustGUID("6B203BAD-3F11-48E4-ACA8-D7613DE2CFA7")
	GUIDTimecodeIndexParameters    = mustGUID("F55E496D-9797-4B5D-8C8B-604DFE9BFB24")
	GUIDCompatibility              = mustGUID("26F18B5D-4584-47EC-9F5F-0E651F0452C9")
	GUIDAdvancedContentEncryption  = mustGUID("43058533-6981-49E6-9B74-AD12CB86D58C")
	GUIDIndexPlaceholder           = mustGUID("D9AADE20-7C17-4F9C-BC28-8555DD98E2A2")

	// Reserved-value GUIDs written in fixed fields.
	GUIDReserved1 = mustGUID("ABD3D211-A9BA-11CF-8EE6-00C00C205365") // Header Extension
	GUIDReserved2 = mustGUID("86D15241-311D-11D0-A3A4-00A0C90348F6") // Codec List
	GUIDReserved3 = mustGUID("4B1ACBE3-100B-11D0-A39B-00A0C90348F6") // Script Command
	GUIDReserved4 = mustGUID("4CFEDB20-75F6-11CF-9C0F-00A0C90349CB") // Marker
)

// Stream type GUIDs (ASF spec §10.4).
var (
	GUIDStreamTypeAudio     = mustGUID("F8699E40-5B4D-11CF-A8FD-00805F5C442B")
	GUIDStreamTypeVideo     = mustGUID("BC19EFC0-5B4D-11CF-A8FD-00805F5C442B")
	GUIDStreamTypeCommand   = mustGUID("59DACFC0-59E6-11D0-A3AC-00A0C90348F6")
	GUIDStreamTypeJFIF      = mustGUID("B61BE100-5B4E-11CF-A8FD-00805F5C442B")
	GUIDStreamTypeDegradJPG = mustGUID("35907DE0-E415-11CF-A917-00805F5C442B")
	GUIDStreamTypeFile      = mustGUID("91BD222C-F21C-497A-8B6D-5AA86BFC0185")
	GUIDStreamTypeBinary    = mustGUID("3AFB65E2-47EF-40F2-AC2C-70A90D71D343")
	// GUIDMediaTypeAudio is the major type of a Binary stream carrying audio.
	GUIDMediaTypeAudio = mustGUID("31178C9D-03E1-4528-B582-3DF9DB22F503")
)

// Error correction type GUIDs (ASF spec §10.5).
var (
	GUIDNoErrorCorrection = mustGUID("20FB5700-5B55-11CF-A8FD-00805F5C442B")
	GUIDAudioSpread       = mustGUID("BFC3CD50-618F-11CF-8BB2-00AA00B4E220")
)

// Mutual exclusion type GUIDs (ASF spec §10.7).
var (
	GUIDMutexLanguage = mustGUID("D6E22A00-35DA-11D1-9034-00A0C90349BE")
	GUIDMutexBitrate  = mustGUID("D6E22A01-35DA-11D1-9034-00A0C90349BE")
	GUIDMutexUnknown  = mustGUID("D6E22A02-35DA-11D1-9034-00A0C90349BE")
)

// Payload extension system GUIDs (ASF spec §10.13; Media Foundation names).
var (
	GUIDExtSampleDuration     = mustGUID("C6BD9450-867F-4907-83A3-C77921B733AD")
	GUIDExtOutputCleanPoint   = mustGUID("F72A3C6F-6EB4-4EBC-B192-09AD9759E828")
	GUIDExtTimecode           = mustGUID("399595EC-8667-4E2D-8FDB-98814CE76C1E")
	GUIDExtFileName           = mustGUID("E165EC0E-19ED-45D7-B4A7-25CBD1E28E9B")
	GUIDExtContentType        = mustGUID("D590DC20-07BC-436C-9CF7-F3BBFBF1A4DC")
	GUIDExtPixelAspectRatio   = mustGUID("1B1EE554-F9EA-4BC8-821A-376B74E4C4B8")
	GUIDExtEncryptionSampleID = mustGUID("6698B84E-0AFA-4330-AEB2-1C0A98D7A44D")
	GUIDExtEncryptionKeyID    = mustGUID("76376591-795F-4DA1-86ED-9D46ECA10949")
)

var guidNames = map[GUID]string{
	GUIDHeader:                     "Header",
	GUIDData:                       "Data",
	GUIDSimpleIndex:                "Simple Index",
	GUIDIndex:                      "Index",
	GUIDMediaObjectIndex:           "Media Object Index",
	GUIDTimecodeIndex:              "Timecode Index",
	GUIDFileProperties:             "File Properties",
	GUIDStreamProperties:           "Stream Properties",
	GUIDHeaderExtension:            "Header Extension",
	GUIDCodecList:                  "Codec List",
	GUIDScriptCommand:              "Script Command",
	GUIDMarker:                     "Marker",
	GUIDBitrateMutualExclusion:     "Bitrate Mutual Exclusion",
	GUIDErrorCorrection:            "Error Correction",
	GUIDContentDescription:         "Content Description",
	GUIDExtendedContentDesc:        "Extended Content Description",
	GUIDContentBranding:            "Content Branding",
	GUIDStreamBitrateProperties:    "Stream Bitrate Properties",
	GUIDContentEncryption:          "Content Encryption",
	GUIDExtendedContentEncryption:  "Extended Content Encryption",
	GUIDDigitalSignature:           "Digital Signature",
	GUIDPadding:                    "Padding",
	GUIDExtendedStreamProperties:   "Extended Stream Properties",
	GUIDAdvancedMutualExclusion:    "Advanced Mutual Exclusion",
	GUIDGroupMutualExclusion:       "Group Mutual Exclusion",
	GUIDStreamPrioritization:       "Stream Prioritization",
	GUIDBandwidthSharing:           "Bandwidth Sharing",
	GUIDLanguageList:               "Language List",
	GUIDMetadata:                   "Metadata",
	GUIDMetadataLibrary:            "Metadata Library",
	GUIDIndexParameters:            "Index Parameters",
	GUIDMediaObjectIndexParameters: "Media Object Index Parameters",
	GUIDTimecodeIndexParameters:    "Timecode Index Parameters",
	GUIDCompatibility:              "Compatibility",
	GUIDAdvancedContentEncryption:  "Advanced Content Encryption",
	GUIDIndexPlaceholder:           "Index Placeholder",
	GUIDStreamTypeAudio:            "Audio Media",
	GUIDStreamTypeVideo:            "Video Media",
	GUIDStreamTypeCommand:          "Command Media",
	GUIDStreamTypeJFIF:             "JFIF Media",
	GUIDStreamTypeDegradJPG:        "Degradable JPEG Media",
	GUIDStreamTypeFile:             "File Transfer Media",
	GUIDStreamTypeBinary:           "Binary Media",
	GUIDNoErrorCorrection:          "No Error Correction",
	GUIDAudioSpread:                "Audio Spread",
	GUIDMutexLanguage:              "Mutex Language",
	GUIDMutexBitrate:               "Mutex Bitrate",
	GUIDMutexUnknown:               "Mutex Unknown",
	GUIDExtSampleDuration:          "SampleDuration",
	GUIDExtOutputCleanPoint:        "OutputCleanPoint",
	GUIDExtTimecode:                "Timecode",
	GUIDExtFileName:                "FileName",
	GUIDExtContentType:             "ContentType",
	GUIDExtPixelAspectRatio:        "PixelAspectRatio",
	GUIDExtEncryptionSampleID:      "EncryptionSampleID",
	GUIDExtEncryptionKeyID:         "EncryptionKeyID",
}

// Name returns the ASF spec name of a well-known GUID ("Stream Properties",
// "Audio Spread", ...), or "" when the GUID is not known to this package.
func (g GUID) Name() string { return guidNames[g] }
