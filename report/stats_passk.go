package report

import "fmt"

// PassAtK is the unbiased estimator of pass@k for one case (Chen et al.
// 2021, "Evaluating Large Language Models Trained on Code", eq. 1): the
// chance that at least one of k samples drawn without replacement from the
// case's n samples, c of which passed, passes:
//
//	pass@k = 1 − C(n−c, k) / C(n, k)
//
// computed as the paper's numerically stable product
//
//	C(n−c, k) / C(n, k) = ∏_{i=n−c+1}^{n} (1 − k/i)
//
// so no binomial coefficient is ever formed. It is 1 when n−c < k (every
// draw of k includes a pass). It needs 1 ≤ k ≤ n and 0 ≤ c ≤ n and panics
// otherwise (Build only calls it for cases with at least k samples).
func PassAtK(n, c, k int) float64 {
	if k < 1 || k > n || c < 0 || c > n {
		panic(fmt.Sprintf("report: PassAtK(n=%d, c=%d, k=%d) needs 1 ≤ k ≤ n and 0 ≤ c ≤ n", n, c, k))
	}
	if n-c < k {
		return 1
	}
	prod := 1.0
	for i := n - c + 1; i <= n; i++ {
		prod *= 1 - float64(k)/float64(i)
	}
	return 1 - prod
}

// PassK is pass@k over a suite's cases for one target.
type PassK struct {
	// K is the number of samples drawn, 2 ≤ K ≤ the suite's repeats.
	K int
	// Interval is the mean over cases of PassAtK(n, c, K), n the case's
	// scored samples and c its passes, with a percentile-bootstrap interval
	// over cases (BootstrapMeanAt); Interval.N is the number of cases with
	// at least K scored samples.
	Interval
	// Short counts cases with some but fewer than K scored samples (some
	// repeats failed); pass@K is not defined for them and they are left
	// out, never counted as failures.
	Short int
}
