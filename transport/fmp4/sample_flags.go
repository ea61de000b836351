package fmp4

// SampleFlags are a sample's flags (ISO/IEC 14496-12 8.8.3.1; MS-SSTR
// 2.2.4.9), most significant bit first: 4 reserved bits, is_leading (2),
// sample_depends_on (2), sample_is_depended_on (2),
// sample_has_redundancy (2), sample_padding_value (3),
// sample_is_non_sync_sample (1), sample_degradation_priority (16).
// MS-SSTR counts 6 reserved bits, leaving out is_leading.
type SampleFlags uint32

// Values of SampleFlags.DependsOn and the other two-bit fields.
const (
	DependsUnknown = 0
	DependsYes     = 1 // depends on others (not an I picture); "is depended on": not disposable
	DependsNo      = 2 // does not depend on others (an I picture); "is depended on": disposable
)

// NonSyncFlag is sample_is_non_sync_sample (MS-SSTR's
// SampleIsDifferenceValue): set on a sample that is not a random-access
// point.
const NonSyncFlag SampleFlags = 0x00010000

// IsNonSync reports whether the sample is not a random-access point.
func (f SampleFlags) IsNonSync() bool { return f&NonSyncFlag != 0 }

// DependsOn is sample_depends_on.
func (f SampleFlags) DependsOn() uint8 { return uint8(f>>24) & 3 }

// IsDependedOn is sample_is_depended_on.
func (f SampleFlags) IsDependedOn() uint8 { return uint8(f>>22) & 3 }

// HasRedundancy is sample_has_redundancy.
func (f SampleFlags) HasRedundancy() uint8 { return uint8(f>>20) & 3 }

// DegradationPriority is sample_degradation_priority.
func (f SampleFlags) DegradationPriority() uint16 { return uint16(f) }

// Sync flags for a marshalled key frame and a non-key frame (as FFmpeg
// writes them: depends-on no / yes, and the non-sync bit).
const (
	SyncSampleFlags    SampleFlags = DependsNo << 24
	NonSyncSampleFlags SampleFlags = DependsYes<<24 | NonSyncFlag
)
