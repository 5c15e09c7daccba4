import TesselTestSupport
import Testing

@Suite struct ExpectCloseTests {
  @Test func passingComparisonRecordsNoIssue() {
    let report = expectClose([1, 2, 3], [1, 2, 3.000001], shape: [3])
    #expect(report.passed)
    expectClose([1, 2], [1.001, 2.001], shape: [1, 2], dtype: .bfloat16)
  }

  @Test func failingComparisonRecordsTheReportAsTheIssueComment() {
    withKnownIssue {
      expectClose([1, 2, 3.5, 4], [1, 2, 3, 4], shape: [2, 2])
    } matching: { issue in
      let comment = issue.comments.map(\.rawValue).joined(separator: "\n")
      return comment.contains("arrays are not close")
        && comment.contains("worst: [1, 0]: actual 3.5")
    }
  }

  @Test func shapeMismatchRecordsAnIssue() {
    withKnownIssue {
      expectClose([1, 2, 3], [1, 2], shape: [2], dtype: .float32)
    } matching: { issue in
      issue.comments.contains { $0.rawValue.contains("cannot be compared") }
    }
  }

  @Test func issueIsAttributedToTheCaller() {
    let line = #line + 2
    withKnownIssue {
      expectClose([.nan], [0], shape: [1])
    } matching: { issue in
      issue.sourceLocation?.line == line
        && issue.sourceLocation?.fileName == "ExpectCloseTests.swift"
    }
  }
}
